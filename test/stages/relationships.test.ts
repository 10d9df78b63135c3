import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { runEntityStages, seedDocument, type SeededDocument } from './ner-seed.ts';

let db: TestDb;
before(async () => {
  db = await createTestDb('relationships');
});
after(async () => {
  await db.drop();
});

const runAll = async (doc: SeededDocument) => (await runEntityStages(db.sql, doc, { relationships: true })).out;

interface Rel {
  relationship_key: string;
  relationship_type: string;
  from_node_id: string;
  to_node_id: string;
  chunk_uuid: string | null;
  method: string;
  document_uuid: string;
}

const rels = (documentUuid: string) => db.sql<Rel[]>`
  SELECT relationship_key, relationship_type, from_node_id, to_node_id, chunk_uuid, method, document_uuid
  FROM neo4j_relationships_staging WHERE document_uuid = ${documentUuid} ORDER BY relationship_key`;

const nameOf = async (uuid: string) =>
  (
    await db.sql<
      Array<{ canonical_name: string }>
    >`SELECT canonical_name FROM neo4j_canonical_entities WHERE canonical_entity_uuid = ${uuid}`
  )[0]?.canonical_name;

test('a lawyer "on behalf of" a party REPRESENTS it', async () => {
  const text =
    'Case Name: Bright Harbor LLC v. Corwin Shipping Co.\nNotice has been sent to Dana Whitfield, Esq. on behalf of Bright Harbor LLC.';
  const doc = await seedDocument(db.sql, { name: 'represents.txt', text });
  await runAll(doc);
  const rows = (await rels(doc.documentUuid)).filter((r) => r.relationship_type === 'REPRESENTS');
  assert.deepEqual(await Promise.all(rows.map(async (r) => [await nameOf(r.from_node_id), await nameOf(r.to_node_id)])), [
    ['Dana Whitfield', 'Bright Harbor LLC'],
  ]);
});
