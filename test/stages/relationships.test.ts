import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import ner from '../../stages/ner.ts';
import relationships from '../../stages/relationships.ts';
import resolution from '../../stages/resolution.ts';
import { fakeContext } from '../helpers/context.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { entityProviders, seedDocument } from './ner-seed.ts';

let db: TestDb;
before(async () => {
  db = await createTestDb('relationships');
});
after(async () => {
  await db.drop();
});

async function runAll(doc: { documentUuid: string; docId: number; chunkCount: number }) {
  const providers = entityProviders();
  const m1 = { document_uuid: doc.documentUuid, neo4j_doc_sql_id: doc.docId, chunk_count: doc.chunkCount };
  const o1 = await ner.run(m1, fakeContext({ sql: db.sql, providers, msg: m1 }));
  const m2 = { document_uuid: doc.documentUuid, neo4j_doc_sql_id: doc.docId, mention_count: o1['mention_count'] as number };
  const o2 = await resolution.run(m2, fakeContext({ sql: db.sql, providers, msg: m2 }));
  const m3 = { document_uuid: doc.documentUuid, neo4j_doc_sql_id: doc.docId, canonical_count: o2['canonical_count'] as number };
  return relationships.run(m3, fakeContext({ sql: db.sql, providers, msg: m3 }));
}

interface Rel { relationship_key: string; relationship_type: string; from_node_id: string; to_node_id: string; chunk_uuid: string | null; method: string; document_uuid: string }

const rels = (documentUuid: string) => db.sql<Rel[]>`
  SELECT relationship_key, relationship_type, from_node_id, to_node_id, chunk_uuid, method, document_uuid
  FROM neo4j_relationships_staging WHERE document_uuid = ${documentUuid} ORDER BY relationship_key`;

const nameOf = async (uuid: string) => (await db.sql<Array<{ canonical_name: string }>>`SELECT canonical_name FROM neo4j_canonical_entities WHERE canonical_entity_uuid = ${uuid}`)[0]?.canonical_name;

test('a lawyer "on behalf of" a party REPRESENTS it', async () => {
  const text = 'Case Name: Bright Harbor LLC v. Corwin Shipping Co.\nNotice has been sent to Dana Whitfield, Esq. on behalf of Bright Harbor LLC.';
  const doc = await seedDocument(db.sql, { name: 'represents.txt', text });
  await runAll(doc);
  const rows = (await rels(doc.documentUuid)).filter((r) => r.relationship_type === 'REPRESENTS');
  assert.deepEqual(await Promise.all(rows.map(async (r) => [await nameOf(r.from_node_id), await nameOf(r.to_node_id)])), [['Dana Whitfield', 'Bright Harbor LLC']]);
});
