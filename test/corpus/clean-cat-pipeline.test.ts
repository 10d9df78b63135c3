/**
 * ocr -> clean-cat -> chunking on the text corpus (text-layer PDFs, e-mails, contracts) with the real
 * ocr stage: what the "Done when" asks, on the text the pipeline really produces.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import chunking from '../../stages/chunking.ts';
import cleanCat from '../../stages/clean-cat.ts';
import ocr from '../../stages/ocr.ts';
import { createTestContext } from '../../src/testing/index.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { corpusDir, EXPECTED_CATEGORY, EXPECTED_EMAIL_FACTS, EXPECTED_STAMP_CASES, testProviders } from '../stages/clean-cat.corpus.ts';

interface Facts {
  docket_numbers: Array<{ value: string; text: string; case_name?: { value: string } }>;
  case_name: { value: string } | null;
}

let db: TestDb;
before(async () => {
  db = await createTestDb('ccpipe');
});
after(async () => {
  await ocr.close?.();
  await db.drop();
});

test('ocr -> clean-cat -> chunking on the corpus: categories, dockets, case names, stamps, exact chunk offsets', async () => {
  const problems: string[] = [];
  const tally = { categories: 0, dockets: 0, docketsExpected: 0, caseNames: 0, docketCaseNames: 0 };
  for (const [file, expected] of Object.entries(EXPECTED_CATEGORY)) {
    const filePath = path.join(corpusDir, file);
    const [row] = await db.sql<{ id: string; document_uuid: string }[]>`
      INSERT INTO source_documents (file_name, file_path) VALUES (${path.basename(filePath)}, ${filePath}) RETURNING id, document_uuid`;
    const m0 = {
      document_uuid: row!.document_uuid,
      source_doc_sql_id: Number(row!.id),
      file_path: filePath,
      file_name: path.basename(filePath),
    };
    const m1 = await ocr.run(m0, createTestContext({ store: { sql: db.sql }, providers: testProviders(), msg: m0, stage: 'ocr' }));
    const m2 = await cleanCat.run(
      m1 as typeof m1 & { source_doc_sql_id: number },
      createTestContext({ store: { sql: db.sql }, providers: testProviders(), msg: m1, stage: 'clean-cat' }),
    );
    await chunking.run(m2, createTestContext({ store: { sql: db.sql }, providers: testProviders(), msg: m2, stage: 'chunking' }));

    const [doc] = await db.sql<
      { cleaned_text: string; metadata_json: Facts }[]
    >`SELECT cleaned_text, metadata_json FROM neo4j_documents WHERE id = ${m2.neo4j_doc_sql_id}`;
    const { cleaned_text: cleaned, metadata_json: facts } = doc!;
    if (expected.includes(m2.doc_category)) tally.categories++;
    else problems.push(`${file}: category ${m2.doc_category}`);
    const rows = await db.sql<{ chunk_index: number; text: string; char_start: number; char_end: number }[]>`
      SELECT chunk_index, text, char_start, char_end FROM neo4j_chunks WHERE document_id = ${m2.neo4j_doc_sql_id}`;
    for (const r of rows) if (cleaned.slice(r.char_start, r.char_end) !== r.text) problems.push(`${file}#${r.chunk_index}: slice differs`);
    const email = EXPECTED_EMAIL_FACTS[file];
    if (email) {
      for (const d of email.dockets) {
        tally.docketsExpected++;
        const found = facts.docket_numbers.find((x) => x.value === d);
        if (found) tally.dockets++;
        else problems.push(`${file}: docket ${d} missing`);
        // each docket of a multi-docket notice counted with its own case name
        const name = email.caseNames?.[d] ?? email.caseName;
        if (found?.case_name?.value === name) tally.docketCaseNames++;
        else problems.push(`${file}: case name of ${d}: ${found?.case_name?.value}`);
      }
      if (facts.case_name?.value === email.caseName) tally.caseNames++;
      else problems.push(`${file}: case name ${facts.case_name?.value}`);
    }
    const stampCase = EXPECTED_STAMP_CASES[file];
    if (stampCase) {
      if (!facts.docket_numbers.some((x) => x.value.startsWith(stampCase) || x.text === stampCase))
        problems.push(`${file}: stamp case ${stampCase} not in metadata`);
      const survivors = cleaned
        .split('\n')
        .filter((l) =>
          /Case:?\s+\d[\d:-]*\S*[\s,]+(?:Doc|Document|\d{2}\/)|DktEntry|Entry ID|Date Filed|Page\s*\d+\s*of\s*\d+|Page ID/.test(l),
        );
      if (survivors.length) problems.push(`${file}: ECF lines survive: ${survivors[0]}`);
    }
  }
  assert.deepEqual(problems, []);
  assert.deepEqual(tally, { categories: 31, dockets: 14, docketsExpected: 14, caseNames: 10, docketCaseNames: 14 });
});
