import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import ner from '../../stages/ner.ts';
import resolution from '../../stages/resolution.ts';
import { createTestContext } from '../../src/testing/index.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { corpusText, entityProviders, seedDocument } from '../stages/ner-seed.ts';

let db: TestDb;
before(async () => {
  db = await createTestDb('resolution');
});
after(async () => {
  await db.drop();
});

interface Entity {
  canonical_entity_uuid: string;
  entity_type: string;
  canonical_name: string;
  aliases: string[];
  mention_count: number;
  merge_explanation: Array<{ alias: string; rule: string; score: number }>;
}

async function resolve(file: string): Promise<{ entities: Entity[]; docId: number; documentUuid: string }> {
  const doc = await seedDocument(db.sql, { name: file, text: corpusText(file), size: 2000, overlap: 250 });
  const msg = { document_uuid: doc.documentUuid, neo4j_doc_sql_id: doc.docId, chunk_count: doc.chunkCount };
  const out = await ner.run(msg, createTestContext({ store: { sql: db.sql }, providers: entityProviders(), msg }));
  const msg2 = { document_uuid: doc.documentUuid, neo4j_doc_sql_id: doc.docId, mention_count: out['mention_count'] as number };
  await resolution.run(msg2, createTestContext({ store: { sql: db.sql }, providers: entityProviders(), msg: msg2 }));
  const entities = await db.sql<Entity[]>`
    SELECT canonical_entity_uuid, entity_type, canonical_name, aliases, mention_count, merge_explanation
    FROM neo4j_canonical_entities WHERE document_id = ${doc.docId}`;
  return { entities, docId: doc.docId, documentUuid: doc.documentUuid };
}

function entityOf(entities: readonly Entity[], name: string): Entity | undefined {
  return entities.find((e) => e.canonical_name === name || e.aliases.includes(name));
}

/** For each contract: variants of one party that must resolve together, and parties that must stay apart. */
const CONTRACTS: Array<{ file: string; same: string[][]; apart: string[] }> = [
  {
    file: 'txt/employment__1032975_2011-03-24_EMPLOYMENT_AGREEMENT_BETWEEN_LOGITECH_EUROPE_S.A._AND_JUNIEN_LABROUSSE.txt',
    same: [['Logitech Europe S.A.', 'Company', 'LOGITECH EUROPE S.A.']],
    apart: ['Logitech Europe S.A.', 'Logitech International S.A.'],
  },
  {
    file: 'txt/software_license__1135906_2009-05-11_SOFTWARE_LICENSE_AGREEMENT.txt',
    same: [
      ['CombinatoRx, Incorporated', 'CombinatoRx', 'COMBINATORX, INCORPORATED'],
      ['Novartis Institutes for BioMedical Research, Inc.', 'Novartis'],
    ],
    apart: ['CombinatoRx, Incorporated', 'Novartis Institutes for BioMedical Research, Inc.'],
  },
  {
    file: 'txt/credit__784770_2008-02-05_CREDIT_AGREEMENT.txt',
    same: [
      ['DPAC Technologies Corp.', 'DPAC TECHNOLOGIES CORP.', 'Company'],
      ['Fifth Third Bank', 'FIFTH THIRD BANK', 'Bank'],
    ],
    apart: ['DPAC Technologies Corp.', 'Quatech, Inc.', 'Fifth Third Bank'],
  },
  {
    file: 'txt/severance__1104017_2006-12-11_SEVERANCE_AGREEMENT.txt',
    same: [['I-many, Inc.', 'Company']],
    apart: ['I-many, Inc.', 'Anthony Todd Shytle'],
  },
];

for (const c of CONTRACTS) {
  test(`variants of a party resolve to one canonical entity and parties stay apart: ${c.file.split('__')[1]?.slice(0, 40)}`, async () => {
    const { entities } = await resolve(c.file);
    for (const group of c.same) {
      const found = group.map((name) => entityOf(entities, name));
      assert.ok(found.every(Boolean), `${group.join(' / ')}: ${found.map((f) => f?.canonical_name ?? 'missing').join(' / ')}`);
      assert.equal(new Set(found.map((f) => f!.canonical_entity_uuid)).size, 1, `${group.join(' / ')} are not one entity`);
      assert.equal(found[0]!.canonical_name, group[0], 'the full name is the canonical name');
      // every merged alias is explained by a rule and a score
      for (const alias of found[0]!.aliases)
        assert.ok(
          found[0]!.merge_explanation.some((x) => x.alias === alias || x.rule),
          alias,
        );
    }
    const apart = c.apart.map((name) => entityOf(entities, name));
    assert.ok(apart.every(Boolean), c.apart.join(', '));
    assert.equal(new Set(apart.map((f) => f!.canonical_entity_uuid)).size, c.apart.length, `${c.apart.join(', ')} merged`);
  });
}

test('every mention points at its canonical entity and mention counts add up; a re-run leaves the same rows', async () => {
  const file = 'txt/severance__1104017_2006-12-11_SEVERANCE_AGREEMENT.txt';
  const { docId, documentUuid } = await resolve(file);
  const unlinked =
    await db.sql`SELECT count(*)::int AS n FROM neo4j_entity_mentions WHERE document_uuid = ${documentUuid} AND canonical_entity_id IS NULL`;
  assert.equal(unlinked[0]!['n'], 0);
  const counts = await db.sql<Array<{ mention_count: number; linked: number }>>`
    SELECT c.mention_count, (SELECT count(*)::int FROM neo4j_entity_mentions m WHERE m.canonical_entity_id = c.id) AS linked
    FROM neo4j_canonical_entities c WHERE c.document_id = ${docId}`;
  for (const c of counts) assert.equal(c.mention_count, c.linked);
  const snapshot = () =>
    db.sql`SELECT id, canonical_entity_uuid, canonical_name, normalized_name, aliases, mention_count, merge_explanation FROM neo4j_canonical_entities WHERE document_id = ${docId} ORDER BY id`;
  const first = await snapshot();
  const msg2 = { document_uuid: documentUuid, neo4j_doc_sql_id: docId, mention_count: 1 };
  await resolution.run(msg2, createTestContext({ store: { sql: db.sql }, providers: entityProviders(), msg: msg2 }));
  assert.deepEqual(await snapshot(), first);
});
