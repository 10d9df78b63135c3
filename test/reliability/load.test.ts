/**
 * Load: a 100,000-entry backlog on the first stream with a slow stage keeps Redis memory bounded
 * (ids only in entries, acknowledged entries trimmed), evicts and trims nothing unprocessed, and
 * queue intake stops claiming rows while the first stream's backlog is over intake.max_backlog.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { describe, test } from 'node:test';
import { Redis } from 'ioredis';
import pino from 'pino';
import { loadPipeline } from '../../src/config/load.ts';
import { noStore } from '../../src/store/none.ts';
import { Runner } from '../../src/worker/runner.ts';
import { createTestDb } from '../helpers/db.ts';
import { dropPrefix, OwnRedis, TEST_REDIS_URL, uniquePrefix } from '../helpers/redis.ts';
import { REPO, startRunner } from '../helpers/runner-process.ts';
import { sleep } from '../../src/util/sleep.ts';
import { groupInfo, mib, streamEntries, usedMemory } from './support.ts';

const BACKLOG = Number(process.env['LOAD_BACKLOG'] ?? 100_000);
/** How long the runner works on the backlog before the test stops it and counts. */
const BUDGET_MS = Number(process.env['LOAD_BUDGET_MS'] ?? 12_000);

describe('load', { timeout: 240_000 }, () => {
  test(`${BACKLOG} entries on the first stream, slow stage: memory bounded, acknowledged entries trimmed, nothing unprocessed trimmed or evicted`, async () => {
    const own = await OwnRedis.start();
    const redis = new Redis(own.url);
    const prefix = uniquePrefix('load');
    const stream = `${prefix}:slow:pending`;
    let runner: Runner | undefined;
    try {
      assert.equal(
        (await redis.config('GET', 'maxmemory-policy'))[1],
        'noeviction',
        'Redis must never evict (docpipe doctor checks it too)',
      );
      const baseline = await usedMemory(redis);
      const docs: string[] = [];
      for (let from = 0; from < BACKLOG; from += 5000) {
        const pipe = redis.pipeline();
        for (let n = from + 1; n <= Math.min(BACKLOG, from + 5000); n++) {
          const uuid = randomUUID();
          docs.push(uuid);
          pipe.xadd(stream, '*', 'document_uuid', uuid, 'n', String(n));
        }
        await pipe.exec();
      }
      const loaded = await usedMemory(redis);
      const streamLoaded = Number(await redis.memory('USAGE', stream));
      const sample = await redis.xrange(stream, '-', '+', 'COUNT', 1000);
      const largest = Math.max(...sample.map(([, f]) => f.reduce((n, s) => n + Buffer.byteLength(s), 0)));
      assert.ok(largest <= 128, `entries carry ids only (largest ${largest} bytes)`);

      const env = { DOCPIPE_PREFIX: prefix, REDIS_URL: own.url, SLOW_MS: '25' };
      Object.assign(process.env, env);
      const config = loadPipeline(path.join(REPO, 'test/fixtures/chaos/load.yaml'));
      for (const k of Object.keys(env)) delete process.env[k];
      runner = await Runner.create(config, { log: pino({ level: 'silent' }), store: noStore() });
      runner.start();
      let peak = loaded;
      const lengths: number[] = [];
      const started = Date.now();
      while (Date.now() - started < BUDGET_MS) {
        await sleep(1000);
        peak = Math.max(peak, await usedMemory(redis));
        lengths.push(await redis.xlen(stream));
      }
      await runner.stop(5000);
      await runner.close();
      runner = undefined;
      await sleep(200);
      const after = await usedMemory(redis);
      const streamAfter = Number(await redis.memory('USAGE', stream));

      // Account for every document: handed on (state past "slow") or still in the first stream.
      const inStream = new Set((await streamEntries(redis, stream)).map((e) => e.fields['document_uuid']));
      let processed = 0;
      let lost = 0;
      for (let i = 0; i < docs.length; i += 10_000) {
        const pipe = redis.pipeline();
        for (const uuid of docs.slice(i, i + 10_000)) pipe.hget(`${prefix}:doc:${uuid}`, 'state');
        const states = (await pipe.exec()) ?? [];
        states.forEach(([, state], j) => {
          const past = typeof state === 'string' && (state.startsWith('finish.') || state === 'completed');
          if (past) processed++;
          else if (!inStream.has(docs[i + j])) lost++;
        });
      }
      const [group] = await groupInfo(redis, stream);
      const length = await redis.xlen(stream);
      const trimmed = BACKLOG - length;
      const evicted = Number(/evicted_keys:(\d+)/.exec(await redis.info('stats'))?.[1]);
      process.stdout.write(
        [
          `# load: ${BACKLOG} entries, slow stage 25 ms x concurrency 16, ${BUDGET_MS / 1000} s budget: ${processed} processed, ${BACKLOG - processed} still queued`,
          `# first stream: length ${BACKLOG} -> ${length} (${trimmed} acknowledged entries trimmed; samples ${lengths.join(',')}), lag ${group?.['lag']}, pending ${group?.['pending']}`,
          `# first stream memory: ${mib(streamLoaded)} loaded -> ${mib(streamAfter)} after; largest entry ${largest} bytes`,
          `# redis used_memory: empty ${mib(baseline)}, loaded ${mib(loaded)}, peak during ${mib(peak)}, after ${mib(after)}; evicted keys ${evicted}`,
        ].join('\n') + '\n',
      );

      assert.equal(lost, 0, 'no unprocessed document is missing from the first stream');
      assert.ok(processed > 0 && processed < BACKLOG, `part of the backlog was processed (${processed})`);
      assert.equal(Number(group?.['pending']), 0, 'a graceful stop leaves nothing pending');
      assert.equal(Number(group?.['lag']), BACKLOG - processed, 'every unprocessed entry is still unread in the group');
      assert.ok(trimmed > 0 && trimmed <= processed, `only acknowledged entries were trimmed (${trimmed} of ${processed})`);
      assert.equal(length + trimmed, BACKLOG);
      assert.ok(streamAfter < streamLoaded, 'trimming gave the first stream memory back');
      assert.equal(evicted, 0);
      // Memory grows only with the processed documents' state (hash + history stream, kept for
      // state.ttl) and the completed stream (kept until a consumer group acknowledges it), not with the backlog.
      const handedOn = docs.filter((u) => !inStream.has(u)).slice(0, 200);
      let stateBytes = 0;
      for (const uuid of handedOn) {
        stateBytes +=
          Number(await redis.memory('USAGE', `${prefix}:doc:${uuid}`)) +
          Number(await redis.memory('USAGE', `${prefix}:doc:${uuid}:events`));
      }
      const perDoc = stateBytes / Math.max(1, handedOn.length);
      const others =
        Number(await redis.memory('USAGE', `${prefix}:processing:completed`)) +
        Number(await redis.memory('USAGE', `${prefix}:finish:pending`));
      const growth = after - loaded;
      process.stdout.write(
        `# growth ${mib(growth)} = processed documents' state (~${Math.round(perDoc)} bytes each: hash + history stream, kept for state.ttl) + completed and finish streams ${mib(others)}\n`,
      );
      assert.ok(
        peak - loaded <= processed * perDoc * 1.25 + others + 4 * 1024 * 1024,
        `peak memory ${mib(peak)}: the backlog plus the processed documents' state, nothing more`,
      );
    } finally {
      await runner?.close().catch(() => undefined);
      redis.disconnect();
      await own.stop();
    }
  });

  test('intake back-pressure: no queue row is claimed while the first stream holds more than intake.max_backlog unread entries', async () => {
    const db = await createTestDb('pressure');
    const prefix = uniquePrefix('pressure');
    const redis = new Redis(TEST_REDIS_URL);
    const ROWS = 300;
    const MAX_BACKLOG = 20;
    const BATCH = 5;
    const run = startRunner([path.join(REPO, 'test/fixtures/chaos/intake-pressure.yaml')], {
      DOCPIPE_PREFIX: prefix,
      REDIS_URL: TEST_REDIS_URL,
      DATABASE_URL: db.url,
      SLOW_MS: '100',
      DOCPIPE_LOG_LEVEL: 'info',
    });
    try {
      await db.sql`
        WITH d AS (INSERT INTO source_documents (file_name, file_path, detected_file_type)
                   SELECT 'doc-' || g || '.txt', '/nonexistent/doc-' || g || '.txt', '.txt' FROM generate_series(1, ${ROWS}) g RETURNING id)
        INSERT INTO document_processing_queue (source_document_id, status) SELECT id, 'pending' FROM d`;
      await run.waitFor('workers started');
      const samples: Array<{ lag: number; claimed: number; done: number }> = [];
      const stream = `${prefix}:slow:pending`;
      for (let i = 0; i < 30; i++) {
        await sleep(250);
        const [g] = await groupInfo(redis, stream);
        const [row] = await db.sql<{ claimed: string; done: string }[]>`
          SELECT count(*) FILTER (WHERE status <> 'pending') AS claimed, count(*) FILTER (WHERE status = 'completed') AS done FROM document_processing_queue`;
        samples.push({ lag: Number(g?.['lag'] ?? 0), claimed: Number(row?.claimed), done: Number(row?.done) });
      }
      const [ended] = await groupInfo(redis, stream);
      const readEntries = Number(ended?.['entries-read']);
      run.proc.kill('SIGTERM');
      assert.deepEqual(await run.exited, { code: 0, signal: null }, run.output().slice(-2000));
      const last = samples[samples.length - 1]!;
      const maxLag = Math.max(...samples.map((s) => s.lag));
      process.stdout.write(
        `# intake back-pressure: max_backlog ${MAX_BACKLOG}, batch ${BATCH}: after ${samples.length * 0.25} s ${last.claimed} of ${ROWS} rows claimed, ${last.done} completed; first stream lag max ${maxLag} (samples ${samples.map((s) => s.lag).join(',')})\n`,
      );
      assert.match(run.output(), /intake paused: first stage backlog over its limit/);
      assert.ok(maxLag <= MAX_BACKLOG + BATCH, `the first stream's unread backlog stays near max_backlog (max ${maxLag})`);
      assert.ok(last.claimed < ROWS, 'intake did not drain the queue into Redis');
      assert.ok(
        last.claimed <= readEntries + MAX_BACKLOG + BATCH,
        `claimed rows (${last.claimed}) <= entries the stage has read (${readEntries}) + max_backlog + batch`,
      );
    } finally {
      if (run.proc.exitCode === null && run.proc.signalCode === null) run.proc.kill('SIGKILL');
      redis.disconnect();
      await dropPrefix(TEST_REDIS_URL, prefix);
      await db.drop();
    }
  });
});
