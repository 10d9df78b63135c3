import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import stage from '../../stages/ocr.ts';
import { createProviders } from '../../src/providers/index.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { fakeContext } from '../helpers/context.ts';
import { startFakeTextract, type FakeTextract } from '../fakes/textract-server.ts';

const corpus = path.resolve(fileURLToPath(import.meta.url), '../../../../shared/corpus');
let db: TestDb;
let textract: FakeTextract;
before(async () => {
  // Credentials come from the environment, as in production (the fake accepts any signature).
  process.env['AWS_ACCESS_KEY_ID'] = 'test';
  process.env['AWS_SECRET_ACCESS_KEY'] = 'test';
  db = await createTestDb('ocrtx');
  textract = await startFakeTextract();
});
after(async () => {
  await stage.close?.();
  await textract.close();
  await db.drop();
});

function providers() {
  return createProviders({
    files: { allowedRoots: [corpus], maxBytes: 50 * 1024 * 1024 },
    providers: {
      ocr: { provider: 'textract', workers: 2, region: 'us-east-1', endpoint: textract.endpoint, max_pages: 2000 },
      llm: { provider: 'local', model: 'x', api_key_env: 'OPENAI_API_KEY', concurrency: 1, timeoutMs: 1000 },
      transcription: { provider: 'none', model: 'whisper-1', api_key_env: 'OPENAI_API_KEY' },
    },
  });
}

const tuning = { textract_poll_ms: 10, textract_retry_base_ms: 5 };

async function run(filePath: string) {
  const [doc] = await db.sql<{ id: string; document_uuid: string }[]>`
    INSERT INTO source_documents (file_name, file_path) VALUES (${path.basename(filePath)}, ${filePath}) RETURNING id, document_uuid::text`;
  assert.ok(doc);
  const msg = { document_uuid: doc.document_uuid, source_doc_sql_id: Number(doc.id), file_path: filePath };
  const ctx = fakeContext({ sql: db.sql, providers: providers(), msg, stage: 'ocr', options: tuning });
  const result = stage.run(msg, ctx);
  const row = async () =>
    (await db.sql<Array<{ raw_extracted_text: string | null; ocr_provider: string | null; textract_job_status: string | null; textract_job_id: string | null; error_message: string | null; ocr_metadata_json: { pages: Array<{ method: string }> } }>>`
      SELECT raw_extracted_text, ocr_provider, textract_job_status, textract_job_id, error_message, ocr_metadata_json FROM source_documents WHERE id = ${doc.id}`)[0];
  return { result, row };
}


test('scanned pages go to DetectDocumentText over the JSON 1.1 protocol, throttling retried', async () => {
  textract.requests.length = 0;
  textract.options.throttle = 2;
  textract.options.serverErrors = 1;
  const { result, row } = await run(path.join(corpus, 'pdf-scanned', 'image-pdf.pdf'));
  const out = await result;
  assert.equal(out.page_count, 2);
  const r = await row();
  assert.equal(r?.ocr_provider, 'textract');
  assert.equal(r?.textract_job_status, 'succeeded');
  assert.deepEqual(r?.ocr_metadata_json.pages.map((p) => p.method), ['ocr', 'ocr']);
  // Two pages rendered to PNG (the file has two pages), after 2 throttles and one 500.
  assert.equal(r?.raw_extracted_text?.match(/FAKE TEXTRACT \?PNG DOCUMENT/g)?.length, 2);
  const detect = textract.requests.filter((q) => q.target === 'Textract.DetectDocumentText');
  assert.equal(detect.length, 5);
  for (const q of detect) {
    assert.equal(q.contentType, 'application/x-amz-json-1.1');
    assert.match(q.authorization ?? '', /^AWS4-HMAC-SHA256 Credential=test\//);
  }
});

test('a single-page scanned PDF is sent as is; a text PDF never calls Textract', async () => {
  textract.requests.length = 0;
  const one = await run(path.join(corpus, 'pdf-scanned', 'ocr_pdf_variation.pdf'));
  await one.result;
  assert.match((await one.row())?.raw_extracted_text ?? '', /FAKE TEXTRACT %PDF DOCUMENT/);
  const text = await run(path.join(corpus, 'pdf-text', 'ca2_1-1.pdf'));
  await text.result;
  const r = await text.row();
  assert.equal(r?.ocr_provider, 'pdf_text_layer');
  assert.equal(r?.textract_job_status, null);
  assert.equal(textract.requests.length, 1);
});
