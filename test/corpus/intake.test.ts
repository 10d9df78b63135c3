/**
 * Queue intake through the real CLI on the corpus contracts (../shared/corpus/txt), against the real
 * Postgres and Redis: every stage fills its table, a missing file ends failed with the reason.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../helpers/redis.ts';
import { REPO, startRunner } from '../helpers/runner-process.ts';

const CORPUS = path.resolve(REPO, '../shared/corpus');
const cleanups: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of cleanups) await c();
});

async function fresh(label: string): Promise<{ db: TestDb; env: Record<string, string> }> {
  const db = await createTestDb(label);
  const prefix = uniquePrefix(label);
  cleanups.push(
    () => db.drop(),
    () => dropPrefix(TEST_REDIS_URL, prefix),
  );
  return { db, env: { DATABASE_URL: db.url, DOCPIPE_PREFIX: prefix, DOCPIPE_DOCUMENTS: CORPUS, REDIS_URL: TEST_REDIS_URL } };
}

describe('store and intake on the corpus', { timeout: 300_000 }, () => {
  test('queue rows inserted by SQL are processed to completed; a missing file ends failed with the reason', async () => {
    const { db, env } = await fresh('queue');
    const files = readdirSync(path.join(CORPUS, 'txt'))
      .sort()
      .map((f) => path.join(CORPUS, 'txt', f));
    assert.equal(files.length, 10);
    const missing = path.join(CORPUS, 'txt', 'no-such-contract.txt');
    for (const f of [...files, missing]) {
      await db.sql`
        WITH d AS (INSERT INTO source_documents (file_name, file_path, detected_file_type) VALUES (${path.basename(f)}, ${f}, '.txt') RETURNING id)
        INSERT INTO document_processing_queue (source_document_id, status) SELECT id, 'pending' FROM d`;
    }
    const run = startRunner(['pipeline.yaml', '--until-idle'], env);
    const exit = await run.exited;
    assert.equal(exit.code, 3, `exit 3: a document of the run failed\n${run.output().slice(-3000)}`);
    assert.match(run.output(), /documents: completed 10, failed 1|documents: failed 1, completed 10/, 'queue-fed documents are counted');
    const rows = await db.sql<{ file_path: string; status: string; error_message: string | null; attempts: number }[]>`
      SELECT d.file_path, q.status, q.error_message, q.attempts FROM document_processing_queue q JOIN source_documents d ON d.id = q.source_document_id ORDER BY q.id`;
    assert.equal(rows.length, 11);
    for (const r of rows.slice(0, 10)) assert.equal(r.status, 'completed', `${r.file_path}: ${r.error_message}`);
    assert.equal(rows[10]!.status, 'failed');
    assert.match(rows[10]!.error_message ?? '', /not found/i);
    // every stage left rows for the contracts
    const [counts] = await db.sql<{ docs: string; chunks: string; mentions: string; canon: string; rels: string }[]>`
      SELECT (SELECT count(*) FROM neo4j_documents) AS docs, (SELECT count(*) FROM neo4j_chunks) AS chunks,
             (SELECT count(*) FROM neo4j_entity_mentions) AS mentions, (SELECT count(*) FROM neo4j_canonical_entities) AS canon,
             (SELECT count(*) FROM neo4j_relationships_staging) AS rels`;
    assert.equal(Number(counts!.docs), 10);
    for (const [k, v] of Object.entries(counts!)) assert.ok(Number(v) > 0, `${k} filled`);
  });
});
