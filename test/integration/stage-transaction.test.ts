/**
 * A handler's store writes run in one transaction per attempt that the runtime commits only after
 * the output validates: an attempt that throws, or whose output fails its schema, leaves no rows
 * (the handler's own sql.begin blocks run as savepoints inside it). `transaction: false` opts out.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { loadPipeline } from '../../src/config/load.ts';
import { fieldsFromArray } from '../../src/messages/codec.ts';
import { Runner } from '../../src/worker/runner.ts';
import { connectStore } from '../../src/store/db.ts';
import { createTestDb, TEST_DATABASE_URL, type TestDb } from '../helpers/db.ts';
import { silentLog, withEnv } from '../helpers/in-process.ts';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../helpers/redis.ts';
import { REPO } from '../helpers/runner-process.ts';

const PIPELINE = path.join(REPO, 'test/fixtures/tx/pipeline.yaml');
const prefixes: string[] = [];
const redis = new Redis(TEST_REDIS_URL);
let db: TestDb;

before(async () => {
  db = await createTestDb('tx');
});
after(async () => {
  for (const p of prefixes) await dropPrefix(TEST_REDIS_URL, p);
  redis.disconnect();
  await db.drop();
});

/** Runs the writer stage on one document per mode; returns each document's uuid, the DLQ entries and the rows left. */
async function run(
  writer: string,
): Promise<{ docs: Record<string, string>; dlq: Array<Record<string, string>>; completed: string[]; rows: string[] }> {
  const prefix = uniquePrefix('tx');
  prefixes.push(prefix);
  return withEnv({ DOCPIPE_PREFIX: prefix, REDIS_URL: TEST_REDIS_URL, WRITER: writer }, async () => {
    const config = loadPipeline(PIPELINE);
    const docs: Record<string, string> = { ok: randomUUID(), invalid: randomUUID(), throw: randomUUID() };
    for (const [mode, uuid] of Object.entries(docs)) await redis.xadd(config.stages[0]!.stream, '*', 'document_uuid', uuid, 'mode', mode);
    const runner = await Runner.create(config, { log: silentLog, store: { sql: db.sql } });
    runner.start();
    try {
      await runner.waitUntilIdle();
    } finally {
      await runner.close();
    }
    const dlq = (await redis.xrange(config.stages[0]!.dlq, '-', '+')).map(([, f]) => fieldsFromArray(f));
    const completed = (await redis.xrange(config.completed.stream, '-', '+')).map(([, f]) => fieldsFromArray(f)['document_uuid']!);
    return { docs, dlq, completed, rows: await namesFor(Object.values(docs)) };
  });
}

/** The document uuids of the completed stream under a prefix. */
async function completedOf(stream: string): Promise<string[]> {
  return (await redis.xrange(stream, '-', '+')).map(([, f]) => fieldsFromArray(f)['document_uuid']!);
}

async function namesFor(uuids: string[]): Promise<string[]> {
  const all = await db.sql<Array<{ name: string }>>`SELECT name FROM projects`;
  return all.map((r) => r.name).filter((n) => uuids.some((u) => n.endsWith(u)));
}

test(
  'an attempt whose output fails its schema, or that throws, leaves no rows; a valid one commits both writes',
  { timeout: 60_000 },
  async () => {
    const r = await run('./stages/writer.ts');
    assert.deepEqual(r.completed, [r.docs['ok']]);
    const byDoc = new Map(r.dlq.map((f) => [f['document_uuid'], f]));
    assert.equal(byDoc.get(r.docs['invalid']!)?.['error_code'], 'DP_ERR_MESSAGE_OUTPUT_INVALID');
    assert.match(byDoc.get(r.docs['invalid']!)?.['error'] ?? '', /fails its output schema: written must be integer/);
    assert.equal(byDoc.get(r.docs['throw']!)?.['error_code'], 'DP_ERR_HANDLER_PERMANENT');
    assert.deepEqual(
      new Set(r.rows),
      new Set([`plain-${r.docs['ok']}`, `block-${r.docs['ok']}`]),
      "only the valid attempt's rows are in the store",
    );
  },
);

test(
  "transaction: false — the handler's writes stay even when its attempt fails (the opt-out for long stages)",
  { timeout: 60_000 },
  async () => {
    const r = await run('./stages/writer-no-tx.ts');
    assert.deepEqual(r.completed, [r.docs['ok']]);
    assert.equal(r.dlq.length, 2);
    assert.equal(r.rows.length, 6, "every attempt's writes were committed as they ran");
  },
);

test(
  'a Postgres session terminated while a handler is inside its transaction: the slot is released and the attempt re-runs as a store outage (regression: the document stayed stuck)',
  { timeout: 90_000 },
  async () => {
    const prefix = uniquePrefix('txkill');
    prefixes.push(prefix);
    // Before the fix, postgres.js's ROLLBACK went to the connection the server had closed: that write
    // throws outside any promise (failing this test) and its query never settles, so the connection,
    // the attempt and its transaction slot stayed held and the document never completed.
    await withEnv({ DOCPIPE_PREFIX: prefix, REDIS_URL: TEST_REDIS_URL, WRITER: './stages/terminated.ts' }, async () => {
      const config = loadPipeline(PIPELINE);
      const docs = [randomUUID(), randomUUID(), randomUUID()];
      for (const uuid of docs) await redis.xadd(config.stages[0]!.stream, '*', 'document_uuid', uuid, 'mode', 'ok');
      const runner = await Runner.create(config, { log: silentLog, store: { sql: db.sql } });
      runner.start();
      const admin = connectStore(TEST_DATABASE_URL, { pool: 1 });
      try {
        // terminate each document's backend while its handler sits in the transaction's long query
        const terminated = new Set<string>();
        while (terminated.size < docs.length) {
          const rows = await admin<Array<{ pid: number; query: string }>>`
          SELECT pid, query FROM pg_stat_activity WHERE query LIKE ${'%terminate-me%'} AND query NOT LIKE ${'%pg_stat_activity%'} AND state = 'active'`;
          for (const r of rows) {
            const uuid = docs.find((d) => r.query.includes(d));
            if (uuid === undefined || terminated.has(uuid)) continue;
            await admin`SELECT pg_terminate_backend(${r.pid})`;
            terminated.add(uuid);
          }
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        const idle = new AbortController();
        const stuck = setTimeout(() => idle.abort(), 45_000);
        await runner.waitUntilIdle(idle.signal);
        clearTimeout(stuck);
        assert.deepEqual(
          new Set(await completedOf(config.completed.stream)),
          new Set(docs),
          'every document completed after its session was terminated',
        );
        assert.equal(await redis.xlen(config.stages[0]!.dlq), 0);
        const rows = await namesFor(docs);
        assert.deepEqual(
          new Set(rows),
          new Set(docs.map((d) => `done-${d}`)),
          'the terminated attempt left no rows; the re-run committed its own',
        );
      } finally {
        await runner.close();
        await admin.end();
      }
    });
  },
);
