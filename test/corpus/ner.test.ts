import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { normalizeName } from '../../src/nlp/resolve/normalize.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { corpusText, emailBody, runEntityStages, seedDocument, type SeededDocument } from '../stages/ner-seed.ts';

let db: TestDb;
before(async () => {
  db = await createTestDb('ner');
});
after(async () => {
  await db.drop();
});

const runNerAndResolution = (doc: SeededDocument) => runEntityStages(db.sql, doc);

/** The parties of each court e-mail's "Case Name", read by hand from the e-mails. */
const CASE_PARTIES: Record<string, string[]> = {
  'eml/nef_almd_1.eml': ['Stapler', 'Automatic Food Service, Inc.'],
  'eml/nef_ared_3.eml': ['Santiago', 'United Parcel Service Inc'],
  'eml/nef_arwb_1.eml': ['Lowry Farms, Inc.'],
  'eml/nef_cacb_6.eml': ['Lara Fakhoury'],
  'eml/nef_ctb_multi_1.eml': ['Lotto', 'U.S. Bank Trust National Association', 'Michael Henry Lotto'],
  'eml/nef_deb_1.eml': ['JOANN Inc.'],
  'eml/nef_flmd_1_plain.eml': ['Heartbeat of Miami, Inc.', "Jane's Revenge"],
  'eml/nef_jpml_1.eml': ['Clearview AI, Inc.', 'Hurvitz'],
  'eml/nef_nysd_1.eml': ['New York City Policing During Summer 2020 Demonstrations'],
  'eml/nef_txwd_7.eml': ['Lionra Technologies Limited', 'Apple Inc.'],
};

test('in each court e-mail the parties of its case name are canonical entities', async () => {
  const missing: string[] = [];
  for (const [file, parties] of Object.entries(CASE_PARTIES)) {
    const doc = await seedDocument(db.sql, { name: file, text: await emailBody(file), size: 900, overlap: 150 });
    await runNerAndResolution(doc);
    const rows = await db.sql<Array<{ entity_type: string; normalized_name: string; canonical_name: string; aliases: string[] }>>`
      SELECT entity_type, normalized_name, canonical_name, aliases FROM neo4j_canonical_entities WHERE document_id = ${doc.docId}`;
    for (const party of parties) {
      const found = rows.some(
        (r) =>
          ['ORG', 'PERSON', 'OTHER'].includes(r.entity_type) &&
          [r.canonical_name, ...r.aliases].some((n) => normalizeName(r.entity_type, n) === normalizeName(r.entity_type, party)),
      );
      if (!found) missing.push(`${file}: ${party}`);
    }
  }
  assert.deepEqual(missing, []);
});

test('every mention slices its chunk to its value, once per document span, across overlapping chunks', async () => {
  const file = 'txt/employment__1032975_2011-03-24_EMPLOYMENT_AGREEMENT_BETWEEN_LOGITECH_EUROPE_S.A._AND_JUNIEN_LABROUSSE.txt';
  const doc = await seedDocument(db.sql, { name: file, text: corpusText(file), size: 1200, overlap: 300 });
  const { mentionCount } = await runNerAndResolution(doc);
  assert.ok(mentionCount > 50, `mentions: ${mentionCount}`);
  const rows = await db.sql<
    Array<{
      value: string;
      offset_start: number;
      offset_end: number;
      text: string;
      char_start: number;
      chunk_index: number;
      entity_type: string;
    }>
  >`
    SELECT m.value, m.offset_start, m.offset_end, c.text, c.char_start, c.chunk_index, m.entity_type
    FROM neo4j_entity_mentions m JOIN neo4j_chunks c ON c.id = m.chunk_id WHERE m.document_uuid = ${doc.documentUuid}`;
  assert.equal(rows.length, mentionCount);
  const spans = new Set<string>();
  for (const r of rows) {
    assert.equal(r.text.slice(r.offset_start, r.offset_end), r.value);
    const span = `${r.char_start + r.offset_start}:${r.char_start + r.offset_end}`;
    assert.ok(!spans.has(span), `document span ${span} (${r.value}) stored twice`);
    spans.add(span);
  }
  // the text is attributed to the first chunk containing it
  const chunks = await db.sql<Array<{ chunk_index: number; char_start: number; char_end: number }>>`
    SELECT chunk_index, char_start, char_end FROM neo4j_chunks WHERE document_id = ${doc.docId} ORDER BY chunk_index`;
  for (const r of rows) {
    const s = r.char_start + r.offset_start;
    const e = r.char_start + r.offset_end;
    const first = chunks.find((c) => c.char_start <= s && e <= c.char_end);
    assert.equal(first?.chunk_index, r.chunk_index);
  }
  const types = new Set(rows.map((r) => r.entity_type));
  for (const t of ['ORG', 'PERSON', 'DATE', 'MONEY', 'LOCATION']) assert.ok(types.has(t), `no ${t} mention`);
});

test('re-running ner and resolution leaves the same rows', async () => {
  const file = 'eml/nef_flmd_1_plain.eml';
  const doc = await seedDocument(db.sql, { name: file, text: await emailBody(file), size: 700, overlap: 120 });
  await runNerAndResolution(doc);
  const snapshot = async () => ({
    mentions:
      await db.sql`SELECT id, mention_uuid, value, entity_type, offset_start, offset_end, canonical_entity_uuid, canonical_entity_id FROM neo4j_entity_mentions WHERE document_uuid = ${doc.documentUuid} ORDER BY id`,
    entities:
      await db.sql`SELECT id, canonical_entity_uuid, entity_type, canonical_name, normalized_name, aliases, mention_count, merge_explanation FROM neo4j_canonical_entities WHERE document_id = ${doc.docId} ORDER BY id`,
  });
  const first = await snapshot();
  await runNerAndResolution(doc);
  const second = await snapshot();
  assert.ok(first.mentions.length > 5);
  assert.deepEqual(second, first);
});
