import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { textractHarness } from '../helpers/ocr-textract.ts';

const corpus = path.resolve(fileURLToPath(import.meta.url), '../../../../shared/corpus');
const harness = textractHarness(corpus);
const run = harness.run;

test('scanned pages go to DetectDocumentText over the JSON 1.1 protocol, throttling retried', async () => {
  harness.textract.requests.length = 0;
  harness.textract.options.throttle = 2;
  harness.textract.options.serverErrors = 1;
  const { result, row } = await run(path.join(corpus, 'pdf-scanned', 'image-pdf.pdf'));
  const out = await result;
  assert.equal(out.page_count, 2);
  const r = await row();
  assert.equal(r?.ocr_provider, 'textract');
  assert.equal(r?.textract_job_status, 'succeeded');
  assert.deepEqual(
    r?.ocr_metadata_json.pages.map((p) => p.method),
    ['ocr', 'ocr'],
  );
  // Two pages rendered to PNG (the file has two pages), after 2 throttles and one 500.
  assert.equal(r?.raw_extracted_text?.match(/FAKE TEXTRACT \?PNG DOCUMENT/g)?.length, 2);
  const detect = harness.textract.requests.filter((q) => q.target === 'Textract.DetectDocumentText');
  assert.equal(detect.length, 5);
  for (const q of detect) {
    assert.equal(q.contentType, 'application/x-amz-json-1.1');
    assert.match(q.authorization ?? '', /^AWS4-HMAC-SHA256 Credential=test\//);
  }
});

test('a single-page scanned PDF is sent as is; a text PDF never calls Textract', async () => {
  harness.textract.requests.length = 0;
  const one = await run(path.join(corpus, 'pdf-scanned', 'ocr_pdf_variation.pdf'));
  await one.result;
  assert.match((await one.row())?.raw_extracted_text ?? '', /FAKE TEXTRACT %PDF DOCUMENT/);
  const text = await run(path.join(corpus, 'pdf-text', 'ca2_1-1.pdf'));
  await text.result;
  const r = await text.row();
  assert.equal(r?.ocr_provider, 'pdf_text_layer');
  assert.equal(r?.textract_job_status, null);
  assert.equal(harness.textract.requests.length, 1);
});
