/**
 * A completed document's history (state.history_after_finish): in flight it is a stream; the
 * handoff that completes the document packs it into the state hash and deletes the stream, and
 * `docpipe doc` still shows every transition, exactly as the stream had it. `stream` keeps the
 * stream; a failed document keeps its stream. Real Redis, the scripts called through the broker.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { loadPipeline } from '../../src/config/load.ts';
import type { PipelineConfig } from '../../src/config/types.ts';
import { closeOps, openOps, type OpsContext } from '../../src/ops/connect.ts';
import { readDocument, type HistoryEvent } from '../../src/ops/doc.ts';
import { createDocumentMachine } from '../../src/state/machine.ts';
import { Broker } from '../../src/streams/broker.ts';
import { connectRedis, type RedisClient } from '../../src/streams/redis.ts';
import { silentLog } from '../helpers/in-process.ts';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../helpers/redis.ts';
import { REPO } from '../helpers/runner-process.ts';

const PIPELINE = path.join(REPO, 'test/fixtures/ops/pipeline.yaml');
const prefix = uniquePrefix('history-fold');
const env = { ...process.env, DOCPIPE_PREFIX: prefix, REDIS_URL: TEST_REDIS_URL };
const ERROR = 'timeout\tafter 5s\nline two \\ backslash';

describe('history after a document finishes', { timeout: 60_000 }, () => {
  const redis = new Redis(TEST_REDIS_URL);
  let config: PipelineConfig;
  let conn: RedisClient;
  let ops: OpsContext;

  before(async () => {
    config = loadPipeline(PIPELINE, env);
    conn = connectRedis(config.redis, silentLog, 'test:history-fold');
    ops = openOps(PIPELINE, env);
  });

  after(async () => {
    await closeOps(ops);
    conn.disconnect();
    redis.disconnect();
    await dropPrefix(TEST_REDIS_URL, prefix);
  });

  const brokerWith = (state: Partial<PipelineConfig['state']>) => {
    const c = { ...config, state: { ...config.state, ...state } };
    return new Broker(conn, c, createDocumentMachine(c.stages.map((s) => s.name)));
  };

  /** Submits (or resubmits) a document and runs it through every stage: a START and a RETRY at the first. */
  async function runThrough(broker: Broker, uuid: string, beforeLast?: () => Promise<void>): Promise<void> {
    await broker.ensureGroups();
    assert.equal((await broker.submit(uuid, { document_uuid: uuid })).published, true);
    const item = (entryId: string) => ({ entryId, documentUuid: uuid, attempt: 1, durationMs: 3, next: ['document_uuid', uuid] });
    const [first, ...rest] = config.stages;
    assert.equal((await broker.begin(first!, '1-1', uuid, 'c1', 1)).started, true);
    assert.equal(await broker.retry(first!, '1-1', uuid, 'c1', 1, Date.now(), { document_uuid: uuid }, ERROR), true);
    assert.deepEqual((await broker.handoff(first!, 'c1', [item('1-2')])).map(Boolean), [true]);
    for (const [i, stage] of rest.entries()) {
      if (i === rest.length - 1) await beforeLast?.();
      assert.deepEqual((await broker.handoff(stage, 'c1', [item(`2-${i}`)])).map(Boolean), [true]);
    }
  }

  const eventsKey = (uuid: string) => `${prefix}:doc:${uuid}:events`;
  const docKey = (uuid: string) => `${prefix}:doc:${uuid}`;

  test('packed (default): only the hash is left, and docpipe doc shows every transition as the stream had it', async () => {
    assert.equal(config.state.historyAfterFinish, 'packed');
    const uuid = randomUUID();
    let inFlight: HistoryEvent[] = [];
    await runThrough(brokerWith({}), uuid, async () => {
      inFlight = (await readDocument(ops, uuid)).history;
      assert.equal(inFlight.length, await redis.xlen(eventsKey(uuid)), 'in flight, the history is the stream');
    });
    assert.equal(await redis.exists(eventsKey(uuid)), 0, 'the history stream is deleted');
    assert.ok((await redis.pttl(docKey(uuid))) > 0, 'the hash expires after state.ttl');
    const doc = await readDocument(ops, uuid);
    assert.equal(doc.state, 'completed');
    assert.deepEqual(doc.history.slice(0, -1), inFlight, 'every event, field for field (ids, the escaped error)');
    assert.deepEqual(
      doc.history.map((e) => e.event),
      ['SUBMIT', 'START', 'RETRY', 'SUCCEED', 'SUCCEED', 'SUCCEED'],
    );
    assert.equal(doc.history.find((e) => e.event === 'RETRY')!.error, ERROR);
    assert.deepEqual(doc.history.at(-1)!.to, 'completed');

    // resubmitted: the new run appends to a stream again, and completing folds it after the old lines
    await runThrough(brokerWith({}), uuid);
    const again = await readDocument(ops, uuid);
    assert.equal(await redis.exists(eventsKey(uuid)), 0);
    assert.deepEqual(again.history.slice(0, doc.history.length), doc.history);
    assert.deepEqual(
      again.history.slice(doc.history.length).map((e) => [e.event, e.from]),
      [
        ['SUBMIT', 'completed'],
        ['START', 'extract.queued'],
        ['RETRY', 'extract.running'],
        ['SUCCEED', 'extract.retrying'],
        ['SUCCEED', 'enrich.queued'],
        ['SUCCEED', 'publish.queued'],
      ],
    );
  });

  test('packed history keeps the newest state.history events', async () => {
    const uuid = randomUUID();
    await runThrough(brokerWith({ history: 4 }), uuid);
    const doc = await readDocument(ops, uuid);
    assert.deepEqual(
      doc.history.map((e) => e.event),
      ['RETRY', 'SUCCEED', 'SUCCEED', 'SUCCEED'],
    );
  });

  test('each event is one entry with one field `e`; an entry with the fields as fields of their own (written before) is read and folded alike', async () => {
    const uuid = randomUUID();
    const old = { event: 'NOTE', from: 'a\tb', to: 'x', at: 5, msg_id: '1-1', consumer: 'old', attempt: 2, error: ERROR, duration_ms: 7 };
    const fieldsOf = (e: HistoryEvent) => ({
      event: e.event,
      from: e.from,
      to: e.to,
      at: e.at,
      msg_id: e.msg_id,
      consumer: e.consumer,
      attempt: e.attempt,
      error: e.error,
      duration_ms: e.duration_ms,
    });
    await runThrough(brokerWith({}), uuid, async () => {
      const entries = await redis.xrange(eventsKey(uuid), '-', '+');
      for (const [, list] of entries)
        assert.deepEqual(
          list.filter((_, i) => i % 2 === 0),
          ['e'],
        );
      await redis.xadd(eventsKey(uuid), '*', ...Object.entries(old).flatMap(([k, v]) => [k, String(v)]));
      assert.deepEqual(fieldsOf((await readDocument(ops, uuid)).history.at(-1)!), old);
    });
    const doc = await readDocument(ops, uuid);
    assert.equal(await redis.exists(eventsKey(uuid)), 0);
    assert.deepEqual(fieldsOf(doc.history.find((e) => e.event === 'NOTE')!), old);
    assert.equal(doc.history.find((e) => e.event === 'RETRY')!.error, ERROR);
  });

  test("history_after_finish: stream keeps the stream (with the hash's expiry) and packs nothing", async () => {
    const uuid = randomUUID();
    await runThrough(brokerWith({ historyAfterFinish: 'stream' }), uuid);
    assert.equal(await redis.xlen(eventsKey(uuid)), 6);
    assert.ok((await redis.pttl(eventsKey(uuid))) > 0);
    assert.equal(await redis.hget(docKey(uuid), 'history'), null);
    assert.deepEqual(
      (await readDocument(ops, uuid)).history.map((e) => e.event),
      ['SUBMIT', 'START', 'RETRY', 'SUCCEED', 'SUCCEED', 'SUCCEED'],
    );
  });

  test('a failed document keeps its history stream', async () => {
    const uuid = randomUUID();
    const broker = brokerWith({});
    await broker.ensureGroups();
    await broker.submit(uuid, { document_uuid: uuid });
    const stage = config.stages[0]!;
    const dl = {
      fields: { document_uuid: uuid, error: 'bad' },
      error: 'bad',
      errorKind: 'permanent',
      errorCode: 'DP_ERR_HANDLER_PERMANENT',
      ownerCheck: true,
    };
    assert.equal(await broker.deadLetter(stage, '1-1', uuid, 'c1', 1, dl), 'failed');
    assert.equal(await redis.xlen(eventsKey(uuid)), 2);
    assert.equal(await redis.hget(docKey(uuid), 'history'), null);
  });
});
