/**
 * Operator commands on a real pipeline with documents in every state (completed, failed in the DLQ,
 * retrying, running, queued): `status --json`, `doc --json` and `dlq list` agree with what redis-cli
 * reads, and a redrive brings a dead-lettered document to `completed` once its handler is fixed.
 */
import { produceDocs } from '../helpers/engine.ts';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import pino from 'pino';
import { docCommand } from '../../src/cli/doc.ts';
import { dlqCommand } from '../../src/cli/dlq.ts';
import { statusCommand } from '../../src/cli/status.ts';
import { loadPipeline } from '../../src/config/load.ts';
import { fieldsFromArray } from '../../src/messages/codec.ts';
import type { DocumentReport } from '../../src/ops/doc.ts';
import type { ActionResult, DeadLetterSummary } from '../../src/ops/dlq.ts';
import type { StatusReport } from '../../src/ops/status.ts';
import { createDocumentMachine } from '../../src/state/machine.ts';
import { Broker } from '../../src/streams/broker.ts';
import { connectRedis } from '../../src/streams/redis.ts';
import { Runner } from '../../src/worker/runner.ts';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../helpers/redis.ts';
import { REPO } from '../helpers/runner-process.ts';
import { runFixturePipeline, waitFor, withEnv } from '../helpers/in-process.ts';

const PIPELINE = path.join(REPO, 'test/fixtures/ops/pipeline.yaml');
const silent = pino({ level: 'silent' });
const prefix = uniquePrefix('ops');
const env = { DOCPIPE_PREFIX: prefix, REDIS_URL: TEST_REDIS_URL };

after(async () => {
  await dropPrefix(TEST_REDIS_URL, prefix);
});

/** redis-cli, as an operator would run it. */
function cli(...args: string[]): string {
  return execFileSync('redis-cli', ['-u', TEST_REDIS_URL, '--no-raw', ...args], { encoding: 'utf8' }).trim();
}
function cliInt(...args: string[]): number {
  const out = execFileSync('redis-cli', ['-u', TEST_REDIS_URL, '--raw', ...args], { encoding: 'utf8' }).trim();
  return Number(out.split('\n')[0]);
}
function cliRaw(...args: string[]): string[] {
  return execFileSync('redis-cli', ['-u', TEST_REDIS_URL, '--raw', ...args], { encoding: 'utf8' })
    .trimEnd()
    .split('\n');
}

/** Runs a command function with the test's environment; returns its exit code and output. */
async function run(
  fn: (out: { log: (s: string) => void; error: (s: string) => void }) => Promise<number>,
): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await withEnv(env, () => fn({ log: (s) => out.push(s), error: (s) => err.push(s) }));
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const produce = (redis: Redis, count: number) => produceDocs(redis, `${prefix}:extract:pending`, count);

describe('operator commands against a running pipeline', { timeout: 120_000 }, () => {
  const redis = new Redis(TEST_REDIS_URL);
  after(() => redis.disconnect());
  let docs: Map<number, string>;
  const extra: Record<'queued' | 'running' | 'retrying', string> = { queued: randomUUID(), running: randomUUID(), retrying: randomUUID() };
  const poisonN = 3;

  test('documents in every state: completed, failed (dead letter), retrying, running, queued', async () => {
    docs = await produce(redis, 6);
    // enrich throws PermanentError for n=3: that document ends in the enrich DLQ, the others complete
    await runPipeline({ POISON: String(poisonN) }, (r) => r.waitUntilIdle());
    assert.equal(await redis.hget(`${prefix}:doc:${docs.get(poisonN)}`, 'state'), 'failed');

    // No worker runs now. Through the engine's own broker: one document retrying (its retry due in
    // an hour), one running (read by a consumer that holds it), one queued (unread).
    const config = await withEnv(env, async () => loadPipeline(PIPELINE));
    const machine = createDocumentMachine(config.stages.map((s) => s.name));
    const conn = connectRedis(config.redis, silent, 'ops-test');
    try {
      const broker = new Broker(conn, config, machine);
      const extract = config.stages[0]!;
      const fields = (n: number, uuid: string) => ({
        document_uuid: uuid,
        source_doc_sql_id: String(n),
        n: String(n),
        meta: '{"tags":["x"]}',
        attempt_count: '1',
      });
      const take = async (uuid: string, n: number) => {
        await broker.submit(uuid, fields(n, uuid));
        const reply = (await conn.xreadgroup(
          'GROUP',
          extract.group,
          'ops-test-worker',
          'COUNT',
          1,
          'STREAMS',
          extract.stream,
          '>',
        )) as Array<[string, Array<[string, string[]]>]>;
        const id = reply[0]![1][0]![0];
        assert.deepEqual((await broker.begin(extract, id, uuid, 'ops-test-worker', 1)).started, true);
        return id;
      };
      const retryId = await take(extra.retrying, 101);
      assert.equal(
        await broker.retry(
          extract,
          retryId,
          extra.retrying,
          'ops-test-worker',
          1,
          Date.now() + 3_600_000,
          fields(101, extra.retrying),
          'transient failure of 101',
        ),
        true,
      );
      await take(extra.running, 102);
      await broker.submit(extra.queued, fields(103, extra.queued));
    } finally {
      conn.disconnect();
    }
    assert.equal(cli('HGET', `${prefix}:doc:${extra.retrying}`, 'state'), '"extract.retrying"');
    assert.equal(cli('HGET', `${prefix}:doc:${extra.running}`, 'state'), '"extract.running"');
    assert.equal(cli('HGET', `${prefix}:doc:${extra.queued}`, 'state'), '"extract.queued"');
  });

  test('status --json agrees with redis-cli', async () => {
    const { code, out } = await run((o) => statusCommand(PIPELINE, { json: true }, o));
    assert.equal(code, 0);
    const report = JSON.parse(out) as StatusReport;
    assert.equal(report.prefix, prefix);

    // documents by state: every doc hash read with redis-cli
    const keys = cliRaw('--scan', '--pattern', `${prefix}:doc:*`).filter((k) => k && !k.endsWith(':events'));
    const byState: Record<string, number> = {};
    for (const k of keys) {
      const s = cliRaw('HGET', k, 'state')[0]!;
      byState[s] = (byState[s] ?? 0) + 1;
    }
    const nonZero = Object.fromEntries(Object.entries(report.documents).filter(([, n]) => n > 0));
    assert.deepEqual(nonZero, byState);
    assert.deepEqual(byState, { completed: 5, failed: 1, 'extract.retrying': 1, 'extract.running': 1, 'extract.queued': 1 });
    assert.equal(report.documents_total, 9);

    for (const s of report.stages) {
      const stream = `${prefix}:${s.stage}:pending`;
      const group = `${s.stage}-service-group`;
      assert.equal(s.length, cliInt('XLEN', stream), `${s.stage} length`);
      assert.equal(s.dlq_size, cliInt('XLEN', `${prefix}:${s.stage}:dlq`), `${s.stage} dlq`);
      assert.equal(s.scheduled_retries, cliInt('ZCARD', `${prefix}:${s.stage}:retry`), `${s.stage} retries`);
      assert.equal(s.pending, cliInt('XPENDING', stream, group), `${s.stage} pending`);
      const info = cliRaw('XINFO', 'GROUPS', stream);
      const lag = Number(info[info.indexOf('lag') + 1]);
      assert.equal(s.lag, lag, `${s.stage} lag`);
      const stats = cliRaw('HGETALL', `${prefix}:stats:${s.stage}`);
      const field = (f: string) => (stats.includes(f) ? Number(stats[stats.indexOf(f) + 1]) : 0);
      assert.equal(s.total.processed, field('processed'), `${s.stage} processed`);
      assert.equal(s.total.dead_lettered, field('dead_lettered'), `${s.stage} dead_lettered`);
      // everything happened within the last hour on a fresh prefix
      assert.equal(s.last_hour.processed, s.total.processed);
      assert.ok(s.last_minute.processed <= s.total.processed);
    }
    const [extract, enrich, publish] = report.stages;
    assert.deepEqual([extract!.lag, extract!.pending, extract!.scheduled_retries], [1, 1, 1]);
    assert.equal(extract!.consumers.find((c) => c.name === 'ops-test-worker')?.pending, 1);
    assert.ok(extract!.oldest_pending_idle_ms !== null && extract!.oldest_pending_idle_ms >= 0);
    assert.equal(extract!.total.retried, 1);
    assert.deepEqual([enrich!.dlq_size, enrich!.total.processed, enrich!.total.dead_lettered], [1, 5, 1]);
    assert.equal(publish!.total.processed, 5);
    assert.equal(report.completed_stream_length, cliInt('XLEN', `${prefix}:processing:completed`));

    const text = await run((o) => statusCommand(PIPELINE, {}, o));
    assert.match(text.out, /enrich: 1 dead letter\(s\)/);
    // the hint names this pipeline file: run as printed, it reads the same pipeline
    assert.ok(text.out.includes(`enrich: 1 dead letter(s): docpipe dlq ${PIPELINE} list --stage enrich`), text.out);
  });

  test('status --watch redraws until stopped (in place on a terminal, one report after another elsewhere)', async () => {
    for (const tty of [true, false]) {
      const stop = new AbortController();
      const outputs: string[] = [];
      const code = await withEnv(env, () =>
        statusCommand(
          PIPELINE,
          { watch: true, interval: '50ms', tty, signal: stop.signal },
          {
            log: (s) => {
              outputs.push(s);
              if (outputs.length === 3) stop.abort();
            },
            error: (s) => outputs.push(`error: ${s}`),
          },
        ),
      );
      assert.equal(code, 0);
      assert.equal(outputs.length, 3);
      for (const o of outputs) {
        assert.equal(o.startsWith('\x1b[H\x1b[2J'), tty);
        assert.match(o, /extract\s+\d+/);
      }
    }
  });

  test('doc --json shows the state mirror and the whole history, as redis-cli reads them', async () => {
    const uuid = docs.get(poisonN)!;
    const { code, out } = await run((o) => docCommand([PIPELINE, uuid], { json: true }, o));
    assert.equal(code, 0);
    const doc = JSON.parse(out) as DocumentReport;
    assert.equal(doc.state, cliRaw('HGET', `${prefix}:doc:${uuid}`, 'state')[0]);
    assert.equal(doc.error, cliRaw('HGET', `${prefix}:doc:${uuid}`, 'error')[0]);
    assert.match(doc.error ?? '', /is poison/);
    // each history entry is the event packed into one field `e`: event, from, to, … tab-separated
    const events = await redis.xrange(`${prefix}:doc:${uuid}:events`, '-', '+');
    assert.deepEqual(
      doc.history.map((e) => [e.id, e.event, e.from, e.to]),
      events.map(([id, f]) => {
        assert.deepEqual(Object.keys(fieldsFromArray(f)), ['e']);
        const [event, from, to] = fieldsFromArray(f)['e']!.split('\t');
        return [id, event, from, to];
      }),
    );
    // a START is recorded only for handlers that run long (the fixture's are fast)
    const seen = doc.history.map((e) => e.event).filter((e) => e !== 'START');
    assert.deepEqual(seen, ['SUBMIT', 'SUCCEED', 'FAIL'].slice(seen[0] === 'SUBMIT' ? 0 : 1));
    assert.equal(doc.history.at(-1)!.to, 'failed');

    const retrying = JSON.parse((await run((o) => docCommand([PIPELINE, extra.retrying], { json: true }, o))).out) as DocumentReport;
    assert.equal(retrying.state, 'extract.retrying');
    assert.equal(retrying.error, 'transient failure of 101');
    assert.ok(retrying.retry_at! > Date.now());

    const missing = await run((o) => docCommand([PIPELINE, randomUUID()], {}, o));
    assert.equal(missing.code, 1);
    assert.match(missing.out, /no state in Redis/);
    // not a uuid: a search (uuid prefix or file name part) that finds nothing is exit 1; bad arguments are exit 2
    const none = await run((o) => docCommand([PIPELINE, 'not-a-uuid'], {}, o));
    assert.equal(none.code, 1);
    assert.match(none.err, /no document matches "not-a-uuid"/);
    assert.equal((await run((o) => docCommand([PIPELINE, uuid, 'extra'], {}, o))).code, 2);
    assert.equal((await run((o) => docCommand([], {}, o))).code, 2);
  });

  test('dlq list and show agree with redis-cli; redrive and purge refuse to act on nothing', async () => {
    const list = await run((o) => dlqCommand([PIPELINE, 'list'], { json: true }, o));
    assert.equal(list.code, 0);
    const { entries, sizes } = JSON.parse(list.out) as { entries: DeadLetterSummary[]; sizes: Record<string, number> };
    assert.deepEqual(sizes, {
      extract: cliInt('XLEN', `${prefix}:extract:dlq`),
      enrich: cliInt('XLEN', `${prefix}:enrich:dlq`),
      publish: cliInt('XLEN', `${prefix}:publish:dlq`),
    });
    const raw = await redis.xrange(`${prefix}:enrich:dlq`, '-', '+');
    assert.equal(raw.length, 1);
    const f = fieldsFromArray(raw[0]![1]);
    assert.deepEqual(
      entries.map((e) => [e.stage, e.id, e.document_uuid, e.error, e.error_code]),
      [['enrich', raw[0]![0], docs.get(poisonN), f['error'], f['error_code']]],
    );
    assert.equal(entries[0]!.error_code, 'DP_ERR_HANDLER_PERMANENT');
    assert.ok(entries[0]!.age_ms! >= 0);

    const text = await run((o) => dlqCommand([PIPELINE, 'list'], {}, o));
    assert.match(text.out, /1 dead letter\(s\): extract 0, enrich 1, publish 0/);
    assert.match(text.out, /is poison/);

    const show = await run((o) => dlqCommand([PIPELINE, 'show'], { id: [raw[0]![0]] }, o));
    assert.equal(show.code, 0);
    assert.match(show.out, /original_msg_id/);

    for (const action of ['redrive', 'purge']) {
      const refused = await run((o) => dlqCommand([PIPELINE, action], {}, o));
      assert.equal(refused.code, 2, `${action} without --id/--all`);
      assert.match(refused.err, /--all/);
    }
    const notFound = await run((o) => dlqCommand([PIPELINE, 'purge'], { id: ['1-1'] }, o));
    assert.equal(notFound.code, 1);
    assert.match(notFound.out, /0 purged, 1 not found/);
    assert.equal(cliInt('XLEN', `${prefix}:enrich:dlq`), 1, 'nothing was deleted');
    assert.equal((await run((o) => dlqCommand([PIPELINE, 'list'], { stage: 'nope' }, o))).code, 2);
  });

  test('redrive brings the dead-lettered document to completed once its handler is fixed', async () => {
    const uuid = docs.get(poisonN)!;
    const [dlqId] = (await redis.xrange(`${prefix}:enrich:dlq`, '-', '+'))[0]!;
    const redriven = await run((o) => dlqCommand([PIPELINE, 'redrive'], { stage: 'enrich', id: [dlqId] }, o));
    assert.equal(redriven.code, 0, redriven.err);
    assert.match(redriven.out, /^1 redriven/);
    assert.equal(cliInt('XLEN', `${prefix}:enrich:dlq`), 0);
    assert.equal(cliRaw('HGET', `${prefix}:doc:${uuid}`, 'state')[0], 'enrich.queued');
    // the re-driven entry: attempts reset, no dead-letter fields
    const last = await redis.xrevrange(`${prefix}:enrich:pending`, '+', '-', 'COUNT', 1);
    const entry = fieldsFromArray(last[0]![1]);
    assert.equal(entry['document_uuid'], uuid);
    assert.equal(entry['attempt_count'], '1');
    for (const k of [
      'error',
      'error_kind',
      'error_code',
      'original_msg_id',
      'original_stream',
      'failed_at_attempt',
      'failed_at',
      'consumer',
    ])
      assert.equal(entry[k], undefined, k);

    // handler fixed (no POISON): the document goes through enrich and publish
    await runPipeline({ POISON: undefined, STAGE_IDLE: '1s' }, () =>
      waitFor('the redriven document to complete', async () => (await redis.hget(`${prefix}:doc:${uuid}`, 'state')) === 'completed'),
    );
    const fixed = JSON.parse((await run((o) => docCommand([PIPELINE, uuid], { json: true }, o))).out) as DocumentReport;
    assert.equal(fixed.state, 'completed');
    const events = fixed.history.map((e) => e.event);
    const at = events.indexOf('REDRIVE');
    assert.ok(at > 0, `history has REDRIVE: ${events.join(' ')}`);
    assert.deepEqual(
      events.slice(at).filter((e) => e !== 'START'),
      ['REDRIVE', 'SUCCEED', 'SUCCEED'],
    );
    assert.deepEqual([fixed.history[at]!.from, fixed.history[at]!.to], ['failed', 'enrich.queued']);
  });

  test('purge --all deletes every dead letter of a stage and says how many', async () => {
    await redis.xadd(`${prefix}:publish:dlq`, '*', 'document_uuid', randomUUID(), 'error', 'x', 'error_code', 'DP_ERR_HANDLER_PERMANENT');
    await redis.xadd(`${prefix}:publish:dlq`, '*', 'document_uuid', 'garbage', 'error', 'y');
    const redrive = await run((o) => dlqCommand([PIPELINE, 'redrive'], { stage: 'publish', all: true, json: true }, o));
    const r = JSON.parse(redrive.out) as ActionResult;
    assert.equal(r.done.length, 1);
    assert.equal(r.skipped.length, 1, 'the entry without a valid uuid is not redriven');
    const purged = await run((o) => dlqCommand([PIPELINE, 'purge'], { stage: 'publish', all: true }, o));
    assert.equal(purged.code, 0);
    assert.match(purged.out, /^1 purged/);
    assert.equal(cliInt('XLEN', `${prefix}:publish:dlq`), 0);
  });
});

/** Runs the fixture pipeline in this process (the test's environment plus `vars`) until `until` resolves. */
function runPipeline(vars: Record<string, string | undefined>, until: (runner: Runner) => Promise<void>): Promise<void> {
  return runFixturePipeline(PIPELINE, { ...env, ...vars }, until);
}
