import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import chunking from '../../stages/chunking.ts';
import cleanCat from '../../stages/clean-cat.ts';
import { createTestContext } from '../../src/testing/index.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import {
  corpusRaw,
  EXPECTED_CATEGORY,
  EXPECTED_EMAIL_FACTS,
  EXPECTED_STAMP_CASES,
  insertSource,
  testProviders,
} from '../stages/clean-cat.corpus.ts';

interface ChunkRow {
  id: string;
  chunk_uuid: string;
  chunk_index: number;
  text: string;
  char_start: number;
  char_end: number;
  page_start: number | null;
  page_end: number | null;
  token_count: number;
}
interface Facts {
  docket_numbers: Array<{ value: string; text: string; span: [number, number] | null; source: string }>;
  case_name: { value: string; span: [number, number] } | null;
  [key: string]: unknown;
}

let db: TestDb;
before(async () => {
  db = await createTestDb('chunking');
});
after(async () => {
  await db.drop();
});

async function runBoth(file: string, raw: string, ocrMetadata: Record<string, unknown>, options: Record<string, unknown> = {}) {
  const src = await insertSource(db.sql, file, raw, ocrMetadata);
  const msg = { document_uuid: src.uuid, source_doc_sql_id: src.id };
  const cc = await cleanCat.run(msg, createTestContext({ store: { sql: db.sql }, providers: testProviders(), msg, stage: 'clean-cat' }));
  const ctx = createTestContext({ store: { sql: db.sql }, providers: testProviders(), msg: cc, stage: 'chunking', options });
  const out = await chunking.run(cc, ctx);
  return { cc, out, ctx };
}

async function chunksOf(docId: number): Promise<ChunkRow[]> {
  return db.sql<
    ChunkRow[]
  >`SELECT id, chunk_uuid, chunk_index, text, char_start, char_end, page_start, page_end, token_count FROM neo4j_chunks WHERE document_id = ${docId} ORDER BY chunk_index`;
}

test('chunking on the corpus: exact offsets, page spans, stable rows on re-run; e-mail dockets and case names; stamp case numbers', async () => {
  const problems: string[] = [];
  let docketsFound = 0;
  let docketsExpected = 0;
  for (const file of Object.keys(EXPECTED_CATEGORY)) {
    const c = await corpusRaw(file);
    const { cc, out } = await runBoth(file, c.raw, c.ocrMetadata);
    const [doc] = await db.sql<
      { cleaned_text: string; metadata_json: Facts }[]
    >`SELECT cleaned_text, metadata_json FROM neo4j_documents WHERE id = ${cc.neo4j_doc_sql_id}`;
    const cleaned = doc!.cleaned_text;
    const rows = await chunksOf(cc.neo4j_doc_sql_id);
    assert.equal(rows.length, out.chunk_count);
    assert.ok(rows.length > 0, `${file}: no chunks`);
    for (const r of rows) {
      if (cleaned.slice(r.char_start, r.char_end) !== r.text) problems.push(`${file}#${r.chunk_index}: slice differs`);
      if (r.token_count > 512) problems.push(`${file}#${r.chunk_index}: ${r.token_count} tokens`);
      if (!(r.page_start! >= 1 && r.page_end! >= r.page_start! && r.page_end! <= c.pageCount))
        problems.push(`${file}#${r.chunk_index}: pages ${r.page_start}-${r.page_end}`);
    }
    // every non-space character of the cleaned text is in some chunk
    let covered = 0;
    for (const r of rows)
      covered = r.char_start <= covered + 2 || !cleaned.slice(covered, r.char_start).trim() ? Math.max(covered, r.char_end) : covered;
    if (cleaned.slice(covered).trim()) problems.push(`${file}: text after offset ${covered} is in no chunk`);

    // re-running the stage leaves the same rows
    const again = await chunking.run(
      cc,
      createTestContext({ store: { sql: db.sql }, providers: testProviders(), msg: cc, stage: 'chunking' }),
    );
    assert.equal(again.chunk_count, out.chunk_count);
    assert.deepEqual(await chunksOf(cc.neo4j_doc_sql_id), rows, `${file}: re-run changed the chunk rows`);

    const facts = doc!.metadata_json;
    for (const d of facts.docket_numbers)
      if (d.span && cleaned.slice(...d.span).replace(/\s+/g, ' ') === '') problems.push(`${file}: empty docket span`);
    const email = EXPECTED_EMAIL_FACTS[file];
    if (email) {
      for (const d of email.dockets) {
        docketsExpected++;
        if (facts.docket_numbers.some((x) => x.value === d)) docketsFound++;
        else problems.push(`${file}: docket ${d} not found (${facts.docket_numbers.map((x) => x.value).join(', ')})`);
      }
      if (facts.case_name?.value !== email.caseName) problems.push(`${file}: case name ${facts.case_name?.value}`);
      else assert.equal(cleaned.slice(...facts.case_name.span).replace(/\s+/g, ' '), email.caseName);
    }
    const stampCase = EXPECTED_STAMP_CASES[file];
    if (stampCase && !facts.docket_numbers.some((x) => x.value.startsWith(stampCase) || x.text === stampCase))
      problems.push(`${file}: stamp case ${stampCase} not in metadata`);
    for (const key of ['docket_numbers', 'case_name', 'court', 'parties', 'judges', 'dates', 'amounts', 'citations'])
      assert.ok(key in facts, `${file}: ${key}`);
  }
  assert.deepEqual(problems, []);
  assert.equal(docketsFound, docketsExpected);
});
