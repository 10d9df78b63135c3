/**
 * Queue intake and direct mode through the real CLI, against the real local Postgres and Redis.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../helpers/redis.ts';
import { REPO, startRunner } from '../helpers/runner-process.ts';
import { readStateAndHistory } from '../../src/ops/doc.ts';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/** The repository's own sample documents (queue rows over corpus contracts: test/corpus/intake.test.ts). */
const DOCUMENTS = path.join(REPO, 'examples/documents');
const cleanups: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of cleanups) await c();
});

async function fresh(label: string): Promise<{ db: TestDb; prefix: string; env: Record<string, string> }> {
  const db = await createTestDb(label);
  const prefix = uniquePrefix(label);
  cleanups.push(
    () => db.drop(),
    () => dropPrefix(TEST_REDIS_URL, prefix),
  );
  return { db, prefix, env: { DATABASE_URL: db.url, DOCPIPE_PREFIX: prefix, DOCPIPE_DOCUMENTS: DOCUMENTS, REDIS_URL: TEST_REDIS_URL } };
}

describe('store and intake', { timeout: 300_000 }, () => {
  test('two intake processes started together on 200 queue rows claim each row exactly once', async () => {
    const { db, prefix, env } = await fresh('claim');
    const file = path.join(DOCUMENTS, 'supply-agreement.txt');
    await db.sql`
      WITH d AS (INSERT INTO source_documents (file_name, file_path, detected_file_type)
                 SELECT 'doc-' || g, ${file}, '.txt' FROM generate_series(1, 200) g RETURNING id)
      INSERT INTO document_processing_queue (source_document_id, status) SELECT id, 'pending' FROM d`;
    const pipeline = 'test/fixtures/intake/pipeline.yaml';
    const a = startRunner([pipeline, '--until-idle'], env);
    const b = startRunner([pipeline, '--until-idle'], env);
    const [ea, eb] = await Promise.all([a.exited, b.exited]);
    assert.equal(ea.code, 0, a.output().slice(-2000));
    assert.equal(eb.code, 0, b.output().slice(-2000));
    const rows = await db.sql<{ status: string; attempts: number; processor_id: string; document_uuid: string }[]>`
      SELECT q.status, q.attempts, q.processor_id, d.document_uuid::text AS document_uuid FROM document_processing_queue q JOIN source_documents d ON d.id = q.source_document_id`;
    assert.equal(rows.length, 200);
    assert.ok(
      rows.every((r) => r.status === 'completed' && r.attempts === 1),
      'every row claimed once and completed',
    );
    const processors = new Set(rows.map((r) => r.processor_id));
    // each document was published exactly once: one SUBMIT in its history
    const redis = new Redis(TEST_REDIS_URL);
    try {
      for (const r of rows) {
        const { history } = await readStateAndHistory(redis, `${prefix}:doc:${r.document_uuid}`, `${prefix}:doc:${r.document_uuid}:events`);
        const submits = history.filter((e) => e.event === 'SUBMIT').length;
        assert.equal(submits, 1, `${r.document_uuid} submitted once`);
      }
    } finally {
      redis.disconnect();
    }
    process.stdout.write(
      `# claims by processor: ${[...processors].map((p) => `${p}=${rows.filter((r) => r.processor_id === p).length}`).join(', ')}\n`,
    );
  });

  test('direct mode twice over the same documents leaves the same rows', async () => {
    const { db, env } = await fresh('direct');
    const count = async () => {
      const [c] = await db.sql<{ n: string }[]>`
        SELECT (SELECT count(*) FROM source_documents) || '/' || (SELECT count(*) FROM neo4j_documents) || '/' || (SELECT count(*) FROM neo4j_chunks) || '/' ||
               (SELECT count(*) FROM neo4j_entity_mentions) || '/' || (SELECT count(*) FROM neo4j_canonical_entities) || '/' || (SELECT count(*) FROM neo4j_relationships_staging) AS n`;
      return c!.n;
    };
    const first = startRunner(['pipeline.yaml', '--input', 'examples/documents', '--until-idle'], env);
    assert.equal((await first.exited).code, 0, first.output().slice(-2000));
    assert.match(first.output(), /documents: completed 4/);
    const after1 = await count();
    const second = startRunner(['pipeline.yaml', '--input', 'examples/documents', '--until-idle'], env);
    assert.equal((await second.exited).code, 0, second.output().slice(-2000));
    assert.match(second.output(), /documents: completed 4/);
    assert.equal(await count(), after1, 'rows per table unchanged by the second run');
    assert.ok(!after1.split('/').includes('0'), `every table has rows: ${after1}`);
  });

  test('docpipe submit publishes files without running workers; a runner then completes them', async () => {
    const { db, env } = await fresh('submit');
    const run = promisify(execFile);
    const submitted = await run(process.execPath, [path.join(REPO, 'bin/docpipe.js'), 'submit', 'pipeline.yaml', 'examples/documents'], {
      cwd: REPO,
      env: { ...process.env, ...env },
    });
    const uuids = [...submitted.stdout.matchAll(/^([0-9a-f-]{36}) /gm)].map((m) => m[1]);
    assert.equal(uuids.length, 4, submitted.stdout + submitted.stderr);
    assert.match(submitted.stdout, /submitted 4 document\(s\)/);
    const queued = await db.sql<{ n: string }[]>`SELECT count(*) AS n FROM source_documents WHERE initial_processing_status = 'queued'`;
    assert.equal(Number(queued[0]!.n), 4, 'rows created, not processed yet');
    const runner = startRunner(['pipeline.yaml', '--until-idle'], env);
    assert.equal((await runner.exited).code, 0, runner.output().slice(-2000));
    const rows = await db.sql<
      { document_uuid: string; initial_processing_status: string }[]
    >`SELECT document_uuid::text, initial_processing_status FROM source_documents ORDER BY id`;
    assert.deepEqual(
      rows.map((r) => r.initial_processing_status),
      ['completed', 'completed', 'completed', 'completed'],
    );
    assert.deepEqual(new Set(rows.map((r) => r.document_uuid)), new Set(uuids));
  });
});
