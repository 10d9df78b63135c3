import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import stage from '../../stages/ocr.ts';
import { createProviders } from '../../src/providers/index.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { createTestContext } from '../../src/testing/index.ts';
import { relativeEditDistance } from '../helpers/editdistance.ts';

const corpus = path.resolve(fileURLToPath(import.meta.url), '../../../../shared/corpus');
let db: TestDb;
before(async () => {
  db = await createTestDb('ocrscan');
});
after(async () => {
  await stage.close?.();
  await db.drop();
});

const providers = createProviders({
  files: { allowedRoots: [corpus], maxBytes: 50 * 1024 * 1024 },
  providers: {
    ocr: { provider: 'local', workers: 2, region: 'us-east-1', max_pages: 2000 },
    llm: { provider: 'local', model: 'x', api_key_env: 'OPENAI_API_KEY', concurrency: 1, timeoutMs: 1000 },
    transcription: { provider: 'none', model: 'whisper-1', api_key_env: 'OPENAI_API_KEY' },
  },
});

interface Page {
  page: number;
  method: string;
  chars: number;
  confidence: number;
  reason?: string;
  start?: number;
  end?: number;
}

async function ocr(rel: string) {
  const filePath = path.join(corpus, rel);
  const [doc] = await db.sql<{ id: string; document_uuid: string }[]>`
    INSERT INTO source_documents (file_name, file_path) VALUES (${path.basename(rel)}, ${filePath}) RETURNING id, document_uuid::text`;
  assert.ok(doc);
  const msg = { document_uuid: doc.document_uuid, source_doc_sql_id: Number(doc.id), file_path: filePath };
  const ctx = createTestContext({ store: { sql: db.sql }, providers, msg, stage: 'ocr' });
  const out = await stage.run(msg, ctx);
  const [row] = await db.sql<{ raw_extracted_text: string; ocr_provider: string; ocr_metadata_json: { pages: Page[] } }[]>`
    SELECT raw_extracted_text, ocr_provider, ocr_metadata_json FROM source_documents WHERE id = ${doc.id}`;
  assert.ok(row);
  const pageText = (n: number) => {
    const p = row.ocr_metadata_json.pages[n - 1];
    return row.raw_extracted_text.slice(p?.start, p?.end);
  };
  return { out, row, pages: row.ocr_metadata_json.pages, pageText, heartbeats: ctx.heartbeats };
}

test('image-pdf.pdf page 1 OCRs to within 5% of vector-pdf.pdf page 1 (its text layer)', async (t) => {
  const scanned = await ocr('pdf-scanned/image-pdf.pdf');
  assert.equal(scanned.row.ocr_provider, 'tesseract');
  assert.deepEqual(
    scanned.pages.map((p) => p.method),
    ['ocr', 'ocr'],
  );
  assert.ok(scanned.heartbeats >= 2, 'a heartbeat after each OCR page');
  const vector = await ocr('pdf-text/vector-pdf.pdf');
  assert.equal(vector.pages[0]?.method, 'text-layer');
  const d = relativeEditDistance(scanned.pageText(1), vector.pageText(1));
  t.diagnostic(
    `page 1: OCR vs text layer edit distance ${(d.ratio * 100).toFixed(2)}% (${d.distance}/${d.length}), confidence ${scanned.pages[0]?.confidence}`,
  );
  assert.ok(d.ratio <= 0.05, `edit distance ${(d.ratio * 100).toFixed(2)}%`);
});

test('ocr_pdf_variation.pdf goes to OCR despite its ECF header stamp', async () => {
  const { pages, row } = await ocr('pdf-scanned/ocr_pdf_variation.pdf');
  assert.equal(pages[0]?.method, 'ocr');
  assert.match(pages[0]?.reason ?? '', /stamp/);
  assert.match(row.raw_extracted_text, /UNITED/);
  assert.match(row.raw_extracted_text, /21-1298/);
});
