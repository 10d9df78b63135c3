import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { claimQueueRows, markOutcome, reclaimStuckRows, toOcrMessage } from '../../src/store/intake.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

let db: TestDb;
before(async () => {
  db = await createTestDb('outcome');
});
after(() => db.drop());
beforeEach(async () => {
  await db.sql`TRUNCATE source_documents, projects RESTART IDENTITY CASCADE`;
});

async function insertDoc(name: string, queueRows = 1): Promise<{ id: number; uuid: string }> {
  const [doc] = await db.sql<{ id: string; document_uuid: string }[]>`
    INSERT INTO source_documents (file_name, file_path, detected_file_type) VALUES (${name}, ${'/data/' + name}, '.txt')
    RETURNING id, document_uuid::text AS document_uuid`;
  for (let i = 0; i < queueRows; i++) await db.sql`INSERT INTO document_processing_queue (source_document_id) VALUES (${doc!.id})`;
  return { id: Number(doc!.id), uuid: doc!.document_uuid };
}

async function queueRows(sourceId: number) {
  return db.sql<{ id: string; status: string; error_message: string | null; completed_at: Date | null }[]>`
    SELECT id, status, error_message, completed_at FROM document_processing_queue WHERE source_document_id = ${sourceId} ORDER BY id`;
}

async function docStatus(uuid: string) {
  const [row] = await db.sql<{ initial_processing_status: string; error_message: string | null }[]>`
    SELECT initial_processing_status, error_message FROM source_documents WHERE document_uuid = ${uuid}`;
  return row;
}

test('markOutcome completes the latest queue row and the document; repeating it changes nothing', async () => {
  const doc = await insertDoc('a.txt', 2);
  await claimQueueRows(db.sql, { limit: 10, processorId: 'p' });
  const first = await markOutcome(db.sql, { documentUuid: doc.uuid, status: 'completed' });
  const rows = await queueRows(doc.id);
  assert.equal(first.sourceDocumentId, doc.id);
  assert.equal(first.queueId, Number(rows[1]!.id), 'the latest queue row');
  assert.equal(rows[0]!.status, 'processing', 'older rows untouched');
  assert.equal(rows[1]!.status, 'completed');
  assert.ok(rows[1]!.completed_at);
  assert.deepEqual(await docStatus(doc.uuid), { initial_processing_status: 'completed', error_message: null });

  const again = await markOutcome(db.sql, { documentUuid: doc.uuid, status: 'completed' });
  assert.deepEqual(again, first);
  const rows2 = await queueRows(doc.id);
  assert.equal(rows2[1]!.completed_at?.getTime(), rows[1]!.completed_at?.getTime(), 'completed_at keeps its first value');
});

test('markOutcome failed records the error on the queue row and the document', async () => {
  const doc = await insertDoc('missing.txt');
  await claimQueueRows(db.sql, { limit: 10, processorId: 'p' });
  await markOutcome(db.sql, {
    documentUuid: doc.uuid,
    status: 'failed',
    error: 'DP_ERR_FILE_NOT_FOUND: file not found: /data/missing.txt',
  });
  const [row] = await queueRows(doc.id);
  assert.equal(row!.status, 'failed');
  assert.match(row!.error_message ?? '', /file not found/);
  assert.deepEqual(await docStatus(doc.uuid), {
    initial_processing_status: 'failed',
    error_message: 'DP_ERR_FILE_NOT_FOUND: file not found: /data/missing.txt',
  });
  // A long error is truncated, not rejected.
  await markOutcome(db.sql, { documentUuid: doc.uuid, status: 'failed', error: 'x'.repeat(10_000) });
  assert.equal((await docStatus(doc.uuid))!.error_message!.length, 4000);
});

test('markOutcome on a direct-mode document (no queue row) and on an unknown uuid', async () => {
  const doc = await insertDoc('direct.txt', 0);
  assert.deepEqual(await markOutcome(db.sql, { documentUuid: doc.uuid, status: 'completed' }), { sourceDocumentId: doc.id, queueId: null });
  assert.equal((await docStatus(doc.uuid))!.initial_processing_status, 'completed');
  assert.deepEqual(await markOutcome(db.sql, { documentUuid: '00000000-0000-4000-8000-000000000000', status: 'completed' }), {
    sourceDocumentId: null,
    queueId: null,
  });
  assert.deepEqual(await markOutcome(db.sql, { documentUuid: 'not-a-uuid', status: 'failed' }), { sourceDocumentId: null, queueId: null });
});

test('reclaimStuckRows re-drives rows stuck in processing past the timeout, and fails them at maxAttempts', async () => {
  const stuck = await insertDoc('stuck.txt');
  const fresh = await insertDoc('fresh.txt');
  const tired = await insertDoc('tired.txt');
  await claimQueueRows(db.sql, { limit: 10, processorId: 'dead-intake' });
  await db.sql`UPDATE document_processing_queue SET started_at = now() - interval '1 hour' WHERE source_document_id IN (${stuck.id}, ${tired.id})`;
  await db.sql`UPDATE document_processing_queue SET attempts = 3 WHERE source_document_id = ${tired.id}`;

  const reclaimed = await reclaimStuckRows(db.sql, { olderThanMs: 10 * 60_000, maxAttempts: 3 });
  assert.deepEqual(
    reclaimed.map((r) => [r.documentUuid, r.status]),
    [
      [stuck.uuid, 'pending'],
      [tired.uuid, 'failed'],
    ],
  );
  assert.equal((await queueRows(fresh.id))[0]!.status, 'processing', 'a row within the timeout is left alone');
  const [tiredRow] = await queueRows(tired.id);
  assert.match(tiredRow!.error_message ?? '', /stuck in processing on 3 attempts \(last by dead-intake\)/);
  assert.equal((await docStatus(tired.uuid))!.initial_processing_status, 'failed');

  // The re-driven row is claimed again, its attempt counted.
  const again = await claimQueueRows(db.sql, { limit: 10, processorId: 'live-intake' });
  assert.deepEqual(
    again.map((r) => [r.documentUuid, r.attempts]),
    [[stuck.uuid, 2]],
  );
  assert.deepEqual(await reclaimStuckRows(db.sql, { olderThanMs: 10 * 60_000 }), []);
});

test('toOcrMessage produces a message valid against schemas/ocr.json', async () => {
  const [project] = await db.sql<{ id: string }[]>`INSERT INTO projects (name) VALUES ('p') RETURNING id`;
  const [doc] = await db.sql<{ id: string }[]>`
    INSERT INTO source_documents (project_id, file_name, file_path, detected_file_type) VALUES (${project!.id}, 'x.pdf', '/data/x.pdf', '.pdf') RETURNING id`;
  await db.sql`INSERT INTO document_processing_queue (source_document_id) VALUES (${doc!.id})`;
  const [row] = await claimQueueRows(db.sql, { limit: 1, processorId: 'p' });
  const msg = toOcrMessage(row!);
  assert.deepEqual(Object.keys(msg).sort(), [
    'detected_file_type',
    'document_uuid',
    'file_name',
    'file_path',
    'project_sql_id',
    'source_doc_sql_id',
  ]);
  const ajv = new Ajv2020({ strict: false });
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  const validate = ajv.compile(JSON.parse(readFileSync(path.join(repoRoot, 'schemas/ocr.json'), 'utf8')) as object);
  assert.ok(validate(msg), JSON.stringify(validate.errors));
  const bare = toOcrMessage({ ...row!, detectedFileType: null, projectId: null });
  assert.equal('detected_file_type' in bare, false);
  assert.ok(validate(bare), JSON.stringify(validate.errors));
});
