import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import ner from '../../stages/ner.ts';
import { createTestContext } from '../../src/testing/index.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { entityProviders, runEntityStages, seedDocument, type SeededDocument } from './ner-seed.ts';

let db: TestDb;
before(async () => {
  db = await createTestDb('ner');
});
after(async () => {
  await db.drop();
});

const runNerAndResolution = (doc: SeededDocument) => runEntityStages(db.sql, doc);

test('a mention that disappears from the text is deleted on re-run (replace-by-key)', async () => {
  const text = 'This Agreement is made on March 3, 2021 between Acme Holdings, Inc. ("Acme") and Jane Roe.';
  const doc = await seedDocument(db.sql, { name: 'mini.txt', text });
  await runNerAndResolution(doc);
  const before = await db.sql<Array<{ value: string }>>`SELECT value FROM neo4j_entity_mentions WHERE document_uuid = ${doc.documentUuid}`;
  assert.ok(before.some((r) => r.value === 'Jane Roe'));
  await db.sql`UPDATE neo4j_chunks SET text = ${text.replace('Jane Roe', 'the buyer')} WHERE document_id = ${doc.docId}`;
  await runNerAndResolution(doc);
  const afterRows = await db.sql<
    Array<{ value: string }>
  >`SELECT value FROM neo4j_entity_mentions WHERE document_uuid = ${doc.documentUuid}`;
  assert.ok(!afterRows.some((r) => r.value === 'Jane Roe'));
  const entities = await db.sql<
    Array<{ canonical_name: string }>
  >`SELECT canonical_name FROM neo4j_canonical_entities WHERE document_id = ${doc.docId}`;
  assert.ok(!entities.some((e) => e.canonical_name === 'Jane Roe'));
  assert.ok(entities.some((e) => e.canonical_name === 'Acme Holdings, Inc.'));
});

test('a message for a document that does not exist is a permanent error', async () => {
  const msg = { document_uuid: '00000000-0000-4000-8000-000000000000', neo4j_doc_sql_id: 999999, chunk_count: 1 };
  await assert.rejects(ner.run(msg, createTestContext({ store: { sql: db.sql }, providers: entityProviders(), msg })), {
    name: 'PermanentError',
  });
});
