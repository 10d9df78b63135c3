/**
 * The delivery engine against a real Redis: crash loops, retries, backlog, Redis restarts, illegal
 * moves (the scenario with the seed's Python producer and a SIGKILLed runner: test/corpus/engine-python.test.ts).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import pino from 'pino';
import { loadPipeline } from '../../src/config/load.ts';
import { noStore } from '../../src/store/none.ts';
import { Runner } from '../../src/worker/runner.ts';
import { dropPrefix, OwnRedis, TEST_REDIS_URL, uniquePrefix } from '../helpers/redis.ts';
import { REPO, startRunner } from '../helpers/runner-process.ts';
import { withEnv } from '../helpers/in-process.ts';
import { completedDocs, dlq, pendingTotal, produceDocs } from '../helpers/engine.ts';

const PIPELINE = path.join(REPO, 'test/fixtures/engine/pipeline.yaml');
const silent = pino({ level: 'silent' });
const prefixes: string[] = [];

after(async () => {
  for (const p of prefixes) await dropPrefix(TEST_REDIS_URL, p);
});

function newPrefix(label: string): string {
  const p = uniquePrefix(label);
  prefixes.push(p);
  return p;
}

const produceNode = (redis: Redis, stream: string, count: number) => produceDocs(redis, stream, count);

/** Runs the fixture pipeline in this process until idle. */
async function runInProcess(env: Record<string, string>, during?: (runner: Runner) => Promise<void>): Promise<Runner> {
  return withEnv(env, async () => {
    const config = loadPipeline(PIPELINE);
    const runner = await Runner.create(config, { log: silent, store: noStore() });
    runner.start();
    const work = during ? during(runner) : Promise.resolve();
    await runner.waitUntilIdle();
    await work;
    await runner.stop(2000);
    await runner.close();
    return runner;
  });
}

describe('delivery engine', { timeout: 240_000 }, () => {
  test('a handler that crashes its process every time ends in the DLQ after `max` deliveries', async () => {
    const prefix = newPrefix('crash');
    const redis = new Redis(TEST_REDIS_URL);
    try {
      const docs = await produceNode(redis, `${prefix}:extract:pending`, 12);
      const env = { DOCPIPE_PREFIX: prefix, CRASH_ON: '7', STAGE_IDLE: '1s' };
      let runs = 0;
      let last: { code: number | null; signal: NodeJS.Signals | null } = { code: null, signal: null };
      for (; runs < 8; runs++) {
        const r = startRunner([PIPELINE, '--until-idle'], env);
        last = await r.exited;
        if (last.code !== null) break;
        assert.equal(last.signal, 'SIGKILL', r.output().slice(-1000));
      }
      assert.equal(last.code, 3, 'a runner finally drained the pipeline, reporting the dead letter (exit 3)');
      assert.ok(runs >= 3 && runs <= 4, `the poison crashed ${runs} runners, then was dead-lettered (max 3)`);
      const dead = await dlq(redis, prefix, 'enrich');
      assert.equal(dead.length, 1);
      assert.equal(dead[0]!['document_uuid'], docs.get(7));
      assert.equal(dead[0]!['error_code'], 'DP_ERR_WORKER_CRASHED');
      assert.equal((await completedDocs(redis, prefix)).length, 11);
      assert.equal(await redis.hget(`${prefix}:doc:${docs.get(7)}`, 'state'), 'failed');
      assert.equal(await pendingTotal(redis, prefix), 0);
    } finally {
      redis.disconnect();
    }
  });

  test('retries honour their backoff: a retry never runs before its due time, and attempts are counted', async () => {
    const prefix = newPrefix('backoff');
    const redis = new Redis(TEST_REDIS_URL);
    const dir = mkdtempSync(path.join(tmpdir(), 'dp-runs-'));
    try {
      await produceNode(redis, `${prefix}:extract:pending`, 30);
      const runs = path.join(dir, 'runs.log');
      await runInProcess({ DOCPIPE_PREFIX: prefix, FAIL_EVERY: '10', LOG_RUNS: runs });
      const lines = readFileSync(runs, 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.split(' '));
      for (const n of ['10', '20', '30']) {
        const attempts = lines
          .filter(([stage, m]) => stage === 'enrich' && m === n)
          .map(([, , a, t]) => ({ attempt: Number(a), at: Number(t) }));
        assert.deepEqual(
          attempts.map((a) => a.attempt),
          [1, 2],
          `document ${n}: one failure, one retry`,
        );
        // delay 100ms with jitter: the retry is due at least 50ms after the failure
        assert.ok(attempts[1]!.at - attempts[0]!.at >= 50, `retry of ${n} ran ${attempts[1]!.at - attempts[0]!.at}ms after the failure`);
      }
      assert.equal((await completedDocs(redis, prefix)).length, 30);
      assert.equal(await redis.zcard(`${prefix}:enrich:retry`), 0);
      const stats = await redis.hgetall(`${prefix}:stats:enrich`);
      assert.equal(stats['retried'], '3');
      assert.equal(stats['processed'], '30');
    } finally {
      rmSync(dir, { recursive: true, force: true });
      redis.disconnect();
    }
  });

  test('a handler past its timeout fails the attempt and ends in the DLQ after max attempts', async () => {
    const prefix = newPrefix('timeout');
    const redis = new Redis(TEST_REDIS_URL);
    try {
      const docs = await produceNode(redis, `${prefix}:extract:pending`, 5);
      const seen = new Set<string>();
      await runInProcess({ DOCPIPE_PREFIX: prefix, HANG_ON: '3', STAGE_TIMEOUT: '600ms' }, async () => {
        // a handler that runs long shows as `<stage>.running`, with its consumer
        for (let i = 0; i < 200 && !seen.has('enrich.running'); i++) {
          const [state, consumer] = await redis.hmget(`${prefix}:doc:${docs.get(3)}`, 'state', 'consumer');
          if (state) seen.add(state);
          if (state === 'enrich.running') assert.ok(consumer, 'the running consumer is recorded');
          await new Promise((r) => setTimeout(r, 20));
        }
      });
      assert.ok(seen.has('enrich.running'), `states seen: ${[...seen].join(', ')}`);
      const dead = await dlq(redis, prefix, 'enrich');
      assert.equal(dead.length, 1);
      assert.equal(dead[0]!['document_uuid'], docs.get(3));
      assert.equal(dead[0]!['error_code'], 'DP_ERR_HANDLER_TIMEOUT');
      assert.equal(dead[0]!['failed_at_attempt'], '3');
      assert.equal((await completedDocs(redis, prefix)).length, 4);
    } finally {
      redis.disconnect();
    }
  });

  test('a backlog far above any trim threshold loses nothing, and acknowledged entries are trimmed', async () => {
    const prefix = newPrefix('backlog');
    const redis = new Redis(TEST_REDIS_URL);
    try {
      const docs = await produceNode(redis, `${prefix}:extract:pending`, 3000);
      const runner = await runInProcess({ DOCPIPE_PREFIX: prefix });
      const completed = await completedDocs(redis, prefix);
      assert.equal(completed.length, 3000);
      assert.deepEqual(new Set(completed), new Set(docs.values()));
      // everything was acknowledged: the workers' last trim at stop removed all of it
      for (const stage of runner.config.stages) {
        assert.equal(await redis.xlen(stage.stream), 0, `${stage.name} stream trimmed when its worker stopped`);
        const info = (await redis.xinfo('STREAM', stage.stream)) as unknown[];
        assert.equal(Number(info[info.indexOf('entries-added') + 1]), 3000, `${stage.name}: every document passed through`);
      }
    } finally {
      redis.disconnect();
    }
  });

  test('trimming never removes an entry a group has not acknowledged', async () => {
    const prefix = newPrefix('trim');
    const redis = new Redis(TEST_REDIS_URL);
    try {
      const config = await withEnv({ DOCPIPE_PREFIX: prefix }, async () => loadPipeline(PIPELINE));
      const stream = config.stages[0]!.stream;
      await produceNode(redis, stream, 10);
      await redis.xgroup('CREATE', stream, 'extract-service-group', '0');
      await redis.xgroup('CREATE', stream, 'slow-group', '0');
      // group 1 reads and acks 6, group 2 reads 3 and acks 1 (2 pending)
      const r1 = (await redis.xreadgroup('GROUP', 'extract-service-group', 'c1', 'COUNT', 6, 'STREAMS', stream, '>')) as Array<
        [string, Array<[string, string[]]>]
      >;
      await redis.xack(stream, 'extract-service-group', ...r1[0]![1].map(([id]) => id));
      const r2 = (await redis.xreadgroup('GROUP', 'slow-group', 'c2', 'COUNT', 3, 'STREAMS', stream, '>')) as Array<
        [string, Array<[string, string[]]>]
      >;
      await redis.xack(stream, 'slow-group', r2[0]![1][0]![0]);
      const { Broker } = await import('../../src/streams/broker.ts');
      const { createDocumentMachine } = await import('../../src/state/machine.ts');
      const removed = await new Broker(redis, config, createDocumentMachine(config.stages.map((s) => s.name))).trim(stream);
      assert.equal(removed, 1, 'only the entry every group acknowledged');
      assert.equal(await redis.xlen(stream), 9);
      const first = await redis.xrange(stream, '-', '+', 'COUNT', 1);
      assert.equal(first[0]![0], r2[0]![1][1]![0], 'the oldest pending entry of the slow group is kept');
    } finally {
      redis.disconnect();
    }
  });

  test('Redis restarted mid-run (AOF): every document completes exactly once', async () => {
    const own = await OwnRedis.start({ aof: true });
    const prefix = newPrefix('restart');
    const redis = new Redis(own.url);
    redis.on('error', () => {}); // the test restarts this server on purpose
    try {
      const docs = await produceNode(redis, `${prefix}:extract:pending`, 200);
      await runInProcess({ DOCPIPE_PREFIX: prefix, REDIS_URL: own.url, SLOW_MS: '20' }, async () => {
        for (let i = 0; i < 400 && (await redis.xlen(`${prefix}:processing:completed`).catch(() => 0)) < 30; i++)
          await new Promise((r) => setTimeout(r, 25));
        await own.restart(700);
      });
      const completed = await completedDocs(redis, prefix);
      assert.equal(completed.length, 200, 'no document lost or duplicated across the restart');
      assert.deepEqual(new Set(completed), new Set(docs.values()));
      assert.equal(await pendingTotal(redis, prefix), 0);
    } finally {
      redis.disconnect();
      await own.stop();
    }
  });

  test('duplicate entries of one document: the state guard lets exactly one through, and the handler runs once', async () => {
    const prefix = newPrefix('dup');
    const redis = new Redis(TEST_REDIS_URL);
    const dir = mkdtempSync(path.join(tmpdir(), 'docpipe-dup-'));
    const runs = path.join(dir, 'runs.log');
    try {
      const uuid = randomUUID();
      const other = randomUUID();
      // three copies of one document, read in one batch, around another document
      for (let i = 0; i < 3; i++) {
        await redis.xadd(
          `${prefix}:extract:pending`,
          '*',
          'document_uuid',
          uuid,
          'source_doc_sql_id',
          '1',
          'n',
          '1',
          'meta',
          '{"tags":["x"]}',
        );
        if (i === 1)
          await redis.xadd(
            `${prefix}:extract:pending`,
            '*',
            'document_uuid',
            other,
            'source_doc_sql_id',
            '2',
            'n',
            '2',
            'meta',
            '{"tags":["x"]}',
          );
      }
      await runInProcess({ DOCPIPE_PREFIX: prefix, LOG_RUNS: runs });
      assert.deepEqual((await completedDocs(redis, prefix)).sort(), [uuid, other].sort());
      assert.equal(await pendingTotal(redis, prefix), 0);
      const lines = readFileSync(runs, 'utf8').trim().split('\n');
      assert.equal(
        lines.filter((l) => l.startsWith('extract 1 ')).length,
        1,
        `the duplicated document ran its first stage once: ${lines.join(' | ')}`,
      );
      assert.equal(lines.filter((l) => l.startsWith('extract 2 ')).length, 1);
      assert.equal(await redis.hget(`${prefix}:stats:extract`, 'skipped'), '2', 'both copies acknowledged as duplicates');
      assert.deepEqual(
        await redis.hmget(`${prefix}:doc:${uuid}`, 'state', 'stage'),
        ['completed', 'publish'],
        'the mirror names the stage the document finished at',
      );
    } finally {
      redis.disconnect();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('an illegal state transition is rejected, logged, counted and dead-lettered without touching the state', async () => {
    const prefix = newPrefix('illegal');
    const redis = new Redis(TEST_REDIS_URL);
    try {
      const uuid = randomUUID();
      await redis.hset(`${prefix}:doc:${uuid}`, 'state', 'extract.queued', 'stage', 'extract');
      await redis.xadd(`${prefix}:enrich:pending`, '*', 'document_uuid', uuid, 'n', '5', 'tags', '["x"]');
      await runInProcess({ DOCPIPE_PREFIX: prefix });
      const dead = await dlq(redis, prefix, 'enrich');
      assert.equal(dead.length, 1);
      assert.equal(dead[0]!['error_code'], 'DP_ERR_STATE_ILLEGAL');
      assert.equal(await redis.hget(`${prefix}:doc:${uuid}`, 'state'), 'extract.queued');
      assert.equal(await redis.get(`${prefix}:stats:illegal-transitions`), '1');
    } finally {
      redis.disconnect();
    }
  });
});
