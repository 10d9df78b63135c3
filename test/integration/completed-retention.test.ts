/**
 * The completed stream is the pipeline's output to other services (DESIGN §6): acknowledged entries
 * stay for `completed.retention` (and at most `completed.max_length`), so a reader that creates its
 * group later still replays them; what a group has not acknowledged is never trimmed.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { loadPipeline, loadPipelineText } from '../../src/config/load.ts';
import { createDocumentMachine } from '../../src/state/machine.ts';
import { Broker } from '../../src/streams/broker.ts';
import { OUTCOME_GROUP } from '../../src/streams/keys.ts';
import { noStore } from '../../src/store/none.ts';
import { OutcomeWriter } from '../../src/worker/outcome-writer.ts';
import { Runner } from '../../src/worker/runner.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { silentLog, withEnv } from '../helpers/in-process.ts';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../helpers/redis.ts';
import { REPO } from '../helpers/runner-process.ts';

const PIPELINE = path.join(REPO, 'test/fixtures/engine/retention.yaml');
const prefixes: string[] = [];
const redis = new Redis(TEST_REDIS_URL);
let db: TestDb;

before(async () => {
  db = await createTestDb('retention');
});
after(async () => {
  for (const p of prefixes) await dropPrefix(TEST_REDIS_URL, p);
  redis.disconnect();
  await db.drop();
});

function newPrefix(label: string): string {
  const p = uniquePrefix(label);
  prefixes.push(p);
  return p;
}

async function produce(stream: string, count: number): Promise<string[]> {
  const uuids: string[] = [];
  const pipe = redis.pipeline();
  for (let n = 1; n <= count; n++) {
    const uuid = randomUUID();
    uuids.push(uuid);
    pipe.xadd(stream, '*', 'document_uuid', uuid, 'source_doc_sql_id', String(n), 'n', String(n), 'meta', JSON.stringify({ tags: ['a'] }));
  }
  await pipe.exec();
  return uuids;
}

async function groupState(stream: string, group: string): Promise<{ lag: number; pending: number; read: number }> {
  const groups = (await redis.xinfo('GROUPS', stream)) as unknown[][];
  for (const g of groups) {
    const info: Record<string, unknown> = {};
    for (let i = 0; i + 1 < g.length; i += 2) info[String(g[i])] = g[i + 1];
    if (info['name'] === group)
      return { lag: Number(info['lag'] ?? 0), pending: Number(info['pending'] ?? 0), read: Number(info['entries-read'] ?? 0) };
  }
  return { lag: -1, pending: -1, read: 0 };
}

test(
  'a reader that creates its group after docpipe read and trimmed the completed stream still gets every entry of the retention window',
  { timeout: 60_000 },
  async () => {
    const prefix = newPrefix('late');
    const N = 20;
    await withEnv({ DOCPIPE_PREFIX: prefix, REDIS_URL: TEST_REDIS_URL }, async () => {
      const config = loadPipeline(PIPELINE);
      const completed = config.completed.stream;
      // two entries from long before the retention window (explicit old ids: no waiting)
      await redis.xadd(completed, '1000-0', 'document_uuid', randomUUID(), 'status', 'success');
      await redis.xadd(completed, '2000-0', 'document_uuid', randomUUID(), 'status', 'success');
      const uuids = await produce(config.stages[0]!.stream, N);

      const runner = await Runner.create(config, { log: silentLog, store: noStore() });
      const outcomes = new OutcomeWriter({
        sql: db.sql,
        broker: runner.broker,
        redis: runner.redis,
        config,
        log: silentLog,
        consumer: runner.consumer,
      });
      await outcomes.start();
      runner.start();
      try {
        await runner.waitUntilIdle(undefined, () => outcomes.isIdle());
        // docpipe's own outcome group has read and acknowledged everything
        const own = await groupState(completed, OUTCOME_GROUP);
        assert.deepEqual({ lag: own.lag, pending: own.pending }, { lag: 0, pending: 0 });
      } finally {
        await outcomes.stop(); // its last trim runs here
        await runner.stop(2000);
        await runner.close();
      }

      const left = await redis.xrange(completed, '-', '+');
      assert.ok(!left.some(([id]) => id === '1000-0' || id === '2000-0'), 'entries older than the retention window were trimmed');
      // a downstream reader deployed now: its group starts from 0 and reads the whole window
      await redis.xgroup('CREATE', completed, 'late-reader-group', '0');
      const reply = (await redis.xreadgroup('GROUP', 'late-reader-group', 'py-1', 'COUNT', 1000, 'STREAMS', completed, '>')) as Array<
        [string, Array<[string, string[]]>]
      > | null;
      const read = (reply?.[0]?.[1] ?? []).map(([, f]) => f[f.indexOf('document_uuid') + 1]);
      assert.equal(read.length, N, 'the late reader gets every completed document');
      assert.deepEqual(new Set(read), new Set(uuids));
    });
  },
);

test('max_length trims acknowledged entries beyond the cap within the retention window, never past an unacknowledged one', async () => {
  const prefix = newPrefix('maxlen');
  const text = readFileSync(PIPELINE, 'utf8').replace('retention: 1h', 'retention: 1h, max_length: 4');
  const { config, problems } = await withEnv({ DOCPIPE_PREFIX: prefix, REDIS_URL: TEST_REDIS_URL }, async () =>
    loadPipelineText(PIPELINE, text),
  );
  assert.deepEqual(problems, []);
  assert.equal(config!.completed.maxLength, 4);
  const completed = config!.completed.stream;
  const broker = new Broker(redis, config!, createDocumentMachine(config!.stages.map((s) => s.name)));
  for (let i = 0; i < 10; i++) await redis.xadd(completed, '*', 'document_uuid', randomUUID(), 'status', 'success');
  await redis.xgroup('CREATE', completed, 'fast', '0');
  await redis.xgroup('CREATE', completed, 'slow', '0');
  const all = await redis.xrange(completed, '-', '+');
  // "fast" reads and acknowledges everything; "slow" acknowledged the first 3 only
  await redis.xreadgroup('GROUP', 'fast', 'c', 'COUNT', 100, 'STREAMS', completed, '>');
  await redis.xack(completed, 'fast', ...all.map(([id]) => id));
  await redis.xreadgroup('GROUP', 'slow', 'c', 'COUNT', 5, 'STREAMS', completed, '>');
  await redis.xack(completed, 'slow', ...all.slice(0, 3).map(([id]) => id));

  assert.equal(await broker.trimCompleted(), 3, 'only what every group acknowledged, although the cap would remove 6');
  assert.equal((await redis.xrange(completed, '-', '+', 'COUNT', 1))[0]![0], all[3]![0], 'the oldest entry "slow" has pending is kept');
  await redis.xack(completed, 'slow', ...all.slice(3, 5).map(([id]) => id));
  await redis.xreadgroup('GROUP', 'slow', 'c', 'COUNT', 100, 'STREAMS', completed, '>');
  await redis.xack(completed, 'slow', ...all.slice(5).map(([id]) => id));
  assert.equal(await broker.trimCompleted(), 3, 'all acknowledged now: trimmed down to the cap');
  assert.deepEqual(
    (await redis.xrange(completed, '-', '+')).map(([id]) => id),
    all.slice(6).map(([id]) => id),
  );
});

test('retention 0s trims the completed stream as soon as every group has acknowledged', async () => {
  const prefix = newPrefix('zero');
  const text = readFileSync(PIPELINE, 'utf8').replace('retention: 1h', 'retention: 0s');
  const { config } = await withEnv({ DOCPIPE_PREFIX: prefix, REDIS_URL: TEST_REDIS_URL }, async () => loadPipelineText(PIPELINE, text));
  const completed = config!.completed.stream;
  const broker = new Broker(redis, config!, createDocumentMachine(config!.stages.map((s) => s.name)));
  for (let i = 0; i < 5; i++) await redis.xadd(completed, '*', 'document_uuid', randomUUID(), 'status', 'success');
  await redis.xgroup('CREATE', completed, 'g', '0');
  const read = (await redis.xreadgroup('GROUP', 'g', 'c', 'COUNT', 2, 'STREAMS', completed, '>')) as Array<
    [string, Array<[string, string[]]>]
  >;
  await redis.xack(completed, 'g', ...read[0]![1].map(([id]) => id));
  assert.equal(await broker.trimCompleted(), 2);
  assert.equal(await redis.xlen(completed), 3, 'unread entries stay');
});
