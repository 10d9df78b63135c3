/**
 * Court notices written for the tests (test/fixtures/nef, the public CM/ECF notice format) through
 * ocr -> clean-cat -> chunking: bankruptcy case numbers without a case-type code, and a case name
 * for each docket of a multi-docket notice (issue #18).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import chunking from '../../stages/chunking.ts';
import cleanCat from '../../stages/clean-cat.ts';
import ocr from '../../stages/ocr.ts';
import { createProviders } from '../../src/providers/index.ts';
import { createTestContext } from '../../src/testing/index.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/nef');

interface Facts {
  docket_numbers: Array<{ value: string; judge_initials?: string; case_name?: { value: string; span: [number, number] | null } }>;
  case_name: { value: string } | null;
}

/** Each notice: its dockets (normalised) with the case name each must carry. */
const EXPECTED: Readonly<Record<string, Record<string, string>>> = {
  'district-html.eml': { '2:24-cv-01234': 'Marsh v. Pelican Freight Lines, LLC' },
  'bankruptcy-no-type.eml': { '24-01234': 'Greenfield Orchards, LLC' },
  'bankruptcy-office-year.eml': { '1-22-40123': 'Brightwater Ventures LLC' },
  'adversary-lead-case.eml': { '24-03021': 'Rivera v. Coastal Lending Corp.', '23-30111': 'Maria Elena Rivera' },
  'jointly-administered.eml': {
    '23-10001': 'Northwind Holdings, Inc.',
    '23-10002': 'Northwind Operating LLC',
    '23-10003': 'Northwind Retail Stores LLC',
  },
  'multi-docket-district.eml': {
    '1:23-cv-04410': 'Holloway v. Granite Insurance Co.',
    '1:23-cv-05872': 'Dunmore Logistics Inc. v. Granite Insurance Co.',
    '1:24-cv-00118': 'Granite Insurance Co. v. Talbot',
  },
};

let db: TestDb;
before(async () => {
  db = await createTestDb('neffacts');
});
after(async () => {
  await ocr.close?.();
  await db.drop();
});

const providers = createProviders({
  files: { allowedRoots: [fixtures], maxBytes: 1 << 20 },
  providers: {
    ocr: { provider: 'local', workers: 1, region: 'us-east-1', max_pages: 100 },
    llm: { provider: 'local', model: 'none', api_key_env: 'NONE', concurrency: 1, timeoutMs: 5000 },
    transcription: { provider: 'none', model: 'none', api_key_env: 'NONE' },
  },
});

async function factsOf(file: string): Promise<{ facts: Facts; cleaned: string; category: string }> {
  const filePath = path.join(fixtures, file);
  const [row] = await db.sql<{ id: string; document_uuid: string }[]>`
    INSERT INTO source_documents (file_name, file_path) VALUES (${file}, ${filePath}) RETURNING id, document_uuid`;
  const m0 = { document_uuid: row!.document_uuid, source_doc_sql_id: Number(row!.id), file_path: filePath, file_name: file };
  const m1 = await ocr.run(m0, createTestContext({ store: { sql: db.sql }, providers, msg: m0, stage: 'ocr' }));
  const m2 = await cleanCat.run(
    m1 as typeof m1 & { source_doc_sql_id: number },
    createTestContext({ store: { sql: db.sql }, providers, msg: m1, stage: 'clean-cat' }),
  );
  await chunking.run(m2, createTestContext({ store: { sql: db.sql }, providers, msg: m2, stage: 'chunking' }));
  const [doc] = await db.sql<
    { cleaned_text: string; metadata_json: Facts }[]
  >`SELECT cleaned_text, metadata_json FROM neo4j_documents WHERE id = ${m2.neo4j_doc_sql_id}`;
  return { facts: doc!.metadata_json, cleaned: doc!.cleaned_text, category: m2.doc_category };
}

for (const [file, dockets] of Object.entries(EXPECTED)) {
  test(`${file}: every docket number, each with its own case name`, async () => {
    const { facts, cleaned, category } = await factsOf(file);
    assert.equal(category, 'court_notice');
    const found = Object.fromEntries(facts.docket_numbers.map((d) => [d.value, d.case_name?.value]));
    for (const [docket, name] of Object.entries(dockets)) {
      assert.ok(docket in found, `${file}: docket ${docket} missing (found ${Object.keys(found).join(', ')})`);
      assert.equal(found[docket], name, `${file}: case name of ${docket}`);
      const own = facts.docket_numbers.find((d) => d.value === docket)!.case_name!;
      if (own.span) assert.equal(cleaned.slice(...own.span).replace(/\s+/g, ' '), name, `${file}: span of the case name of ${docket}`);
    }
    // the document's own case name is the first docket's
    assert.equal(facts.case_name?.value, Object.values(dockets)[0]);
  });
}
