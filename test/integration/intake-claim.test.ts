/**
 * Two intake processes claiming the same queue never take the same row (FOR UPDATE SKIP LOCKED).
 * Run as a child (DP_INTAKE_CHILD=1) this file is a claim loop that prints the queue ids it claimed.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { connectStore, type Sql } from '../../src/store/db.ts';
import { claimQueueRows } from '../../src/store/intake.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';

const ROWS = 200;

async function claimAll(sql: Sql, processorId: string, limit: number): Promise<number[]> {
  const ids: number[] = [];
  for (;;) {
    const rows = await claimQueueRows(sql, { limit, processorId });
    if (rows.length === 0) return ids;
    ids.push(...rows.map((r) => r.queueId));
  }
}

async function seedQueue(sql: Sql, n: number): Promise<void> {
  await sql`
    WITH docs AS (
      INSERT INTO source_documents (file_name, file_path, detected_file_type)
      SELECT 'doc-' || g || '.txt', '/data/doc-' || g || '.txt', '.txt' FROM generate_series(1, ${n}) g
      RETURNING id
    )
    INSERT INTO document_processing_queue (source_document_id) SELECT id FROM docs`;
}

async function assertEachClaimedOnce(sql: Sql, a: number[], b: number[]): Promise<void> {
  const all = [...a, ...b];
  assert.equal(new Set(all).size, all.length, 'a row was claimed twice');
  assert.equal(all.length, ROWS, 'every row claimed');
  const [stats] = await sql<{ processing: number; once: number }[]>`
    SELECT count(*) FILTER (WHERE status = 'processing')::int AS processing, count(*) FILTER (WHERE attempts = 1)::int AS once
    FROM document_processing_queue`;
  assert.deepEqual(stats, { processing: ROWS, once: ROWS });
}

if (process.env['DP_INTAKE_CHILD']) {
  // Child mode: connect, say ready, wait for "go", claim until empty, print the ids.
  const sql = connectStore(process.env['DP_INTAKE_URL']!, { pool: 1 });
  await sql`SELECT 1`;
  process.stdout.write('ready\n');
  const stdin = createInterface({ input: process.stdin });
  await new Promise<void>((resolve) => stdin.once('line', () => resolve()));
  stdin.close();
  const ids = await claimAll(sql, `child-${process.pid}`, 3);
  process.stdout.write(`${JSON.stringify(ids)}\n`);
  await sql.end();
} else {
  let db: TestDb;
  before(async () => {
    db = await createTestDb('claim');
  });
  after(() => db.drop());

  test('two claim loops on separate connections claim each of 200 rows exactly once', async () => {
    await db.sql`TRUNCATE source_documents RESTART IDENTITY CASCADE`;
    await seedQueue(db.sql, ROWS);
    const one = connectStore(db.url, { pool: 1 });
    const two = connectStore(db.url, { pool: 1 });
    try {
      const [a, b] = await Promise.all([claimAll(one, 'intake-a', 4), claimAll(two, 'intake-b', 4)]);
      await assertEachClaimedOnce(db.sql, a, b);
      const byProcessor = await db.sql<{ processor_id: string; n: number }[]>`
        SELECT processor_id, count(*)::int AS n FROM document_processing_queue GROUP BY 1 ORDER BY 1`;
      const counts = Object.fromEntries(byProcessor.map((r) => [r.processor_id, r.n]));
      assert.equal(counts['intake-a'] ?? 0, a.length);
      assert.equal(counts['intake-b'] ?? 0, b.length);
    } finally {
      await one.end();
      await two.end();
    }
  });

  test('two intake processes started together claim each of 200 rows exactly once', async () => {
    await db.sql`TRUNCATE source_documents RESTART IDENTITY CASCADE`;
    await seedQueue(db.sql, ROWS);
    const file = fileURLToPath(import.meta.url);
    const children = [0, 1].map(() => {
      const child = spawn(process.execPath, ['--import', 'tsx', file], {
        env: { ...process.env, DP_INTAKE_CHILD: '1', DP_INTAKE_URL: db.url, NODE_TEST_CONTEXT: '' },
        stdio: ['pipe', 'pipe', 'inherit'],
      });
      const lines = createInterface({ input: child.stdout! });
      const next = (() => {
        const queue: string[] = [];
        const waiters: Array<(l: string) => void> = [];
        lines.on('line', (l) => (waiters.length ? waiters.shift()!(l) : queue.push(l)));
        return () => new Promise<string>((resolve) => (queue.length ? resolve(queue.shift()!) : waiters.push(resolve)));
      })();
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      return { child, next, exited };
    });
    assert.deepEqual(await Promise.all(children.map((c) => c.next())), ['ready', 'ready']);
    for (const c of children) c.child.stdin!.end('go\n');
    const [a, b] = (await Promise.all(children.map((c) => c.next()))).map((l) => JSON.parse(l) as number[]) as [number[], number[]];
    assert.deepEqual(await Promise.all(children.map((c) => c.exited)), [0, 0]);
    await assertEachClaimedOnce(db.sql, a, b);
  });

  test('claimed rows carry the source document and skip rows not pending', async () => {
    await db.sql`TRUNCATE source_documents RESTART IDENTITY CASCADE`;
    const [project] = await db.sql<{ id: string }[]>`INSERT INTO projects (name) VALUES ('p1') RETURNING id`;
    const docs = await db.sql<{ id: string; document_uuid: string }[]>`
      INSERT INTO source_documents (project_id, file_name, file_path, detected_file_type)
      VALUES (${project!.id}, 'a.pdf', '/data/a.pdf', '.pdf'), (NULL, 'b.txt', '/data/b.txt', NULL), (NULL, 'c.txt', '/data/c.txt', '.txt')
      RETURNING id, document_uuid::text AS document_uuid`;
    await db.sql`INSERT INTO document_processing_queue (source_document_id, status) VALUES (${docs[0]!.id}, 'pending'), (${docs[1]!.id}, 'pending'), (${docs[2]!.id}, 'completed')`;
    const rows = await claimQueueRows(db.sql, { limit: 10, processorId: 'p' });
    assert.equal(rows.length, 2);
    assert.deepEqual(rows[0], {
      queueId: rows[0]!.queueId,
      attempts: 1,
      sourceDocumentId: Number(docs[0]!.id),
      documentUuid: docs[0]!.document_uuid,
      filePath: '/data/a.pdf',
      fileName: 'a.pdf',
      detectedFileType: '.pdf',
      projectId: Number(project!.id),
    });
    assert.equal(rows[1]!.detectedFileType, null);
    assert.deepEqual(await claimQueueRows(db.sql, { limit: 10, processorId: 'p' }), []);
    assert.deepEqual(await claimQueueRows(db.sql, { limit: 0, processorId: 'p' }), []);
    const [row] = await db.sql<{ status: string; processor_id: string; started: boolean }[]>`
      SELECT status, processor_id, started_at IS NOT NULL AS started FROM document_processing_queue WHERE source_document_id = ${docs[0]!.id}`;
    assert.deepEqual(row, { status: 'processing', processor_id: 'p', started: true });
  });
}
