import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import cleanCat from '../../stages/clean-cat.ts';
import { createTestContext } from '../../src/testing/index.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { corpusRaw, EXPECTED_CATEGORY, EXPECTED_STAMP_CASES, insertSource, testProviders } from '../stages/clean-cat.corpus.ts';

let db: TestDb;
before(async () => {
  db = await createTestDb('cleancat');
});
after(async () => {
  await db.drop();
});

test('clean-cat on the corpus: categories, ECF stamps out of the body and their case numbers kept', async () => {
  const wrong: string[] = [];
  for (const [file, expected] of Object.entries(EXPECTED_CATEGORY)) {
    const c = await corpusRaw(file);
    const src = await insertSource(db.sql, file, c.raw, c.ocrMetadata);
    const msg = { document_uuid: src.uuid, source_doc_sql_id: src.id, page_count: c.pageCount };
    const out = await cleanCat.run(msg, createTestContext({ store: { sql: db.sql }, providers: testProviders(), msg, stage: 'clean-cat' }));
    assert.deepEqual(Object.keys(out).sort(), ['doc_category', 'document_uuid', 'neo4j_doc_sql_id', 'source_doc_sql_id']);
    if (!expected.includes(out.doc_category)) wrong.push(`${file}: ${out.doc_category}`);
    const [doc] = await db.sql<
      {
        category: string;
        category_confidence: number;
        cleaned_text: string;
        cleaning_metadata_json: { ecf_stamps: Array<{ case_number: string }>; offset_map: unknown[] };
        metadata_json: Record<string, unknown>;
      }[]
    >`
      SELECT category, category_confidence, cleaned_text, cleaning_metadata_json, metadata_json FROM neo4j_documents WHERE id = ${out.neo4j_doc_sql_id}`;
    assert.equal(doc!.category, out.doc_category);
    assert.ok(doc!.category_confidence > 0 && doc!.category_confidence <= 1);
    assert.equal(doc!.metadata_json['category_method'], 'local');
    assert.equal(doc!.metadata_json['category_labels_version'], 1);
    assert.ok(doc!.cleaning_metadata_json.offset_map.length > 0);
    const stampCase = EXPECTED_STAMP_CASES[file];
    if (stampCase) {
      // no ECF header line survives in the body, and its case number is kept
      const survivors = doc!.cleaned_text
        .split('\n')
        .filter(
          (l) =>
            /\b(?:Case|Document|DktEntry|Entry ID|Date Filed|Page ID)\b[:#]?\s*[\d:]+[^\n]*\b(?:Page|Filed|Document|ID)\b/.test(l) ||
            /Page\s*\d+\s*of\s*\d+/.test(l),
        );
      assert.deepEqual(survivors, [], `${file}: ECF lines survive`);
      assert.ok(
        doc!.cleaning_metadata_json.ecf_stamps.some((s) => s.case_number.startsWith(stampCase)),
        `${file}: stamp case ${stampCase}`,
      );
    }
  }
  assert.deepEqual(wrong, [], 'every corpus document gets its expected category');
});
