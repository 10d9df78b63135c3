import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { textractHarness } from '../helpers/ocr-textract.ts';

const harness = textractHarness(path.resolve(fileURLToPath(import.meta.url), '../../../examples/documents'));
const run = harness.run;

test('s3:// sources use the asynchronous job with NextToken pagination', async () => {
  harness.textract.requests.length = 0;
  Object.assign(harness.textract.options, {
    inProgressPolls: 2,
    blocksPerResponse: 3,
    s3Pages: () => [['First page line', 'second line'], ['Page two text'], ['Page three text']],
  });
  const { result, row } = await run('s3://legal-bucket/cases/brief.pdf');
  const out = await result;
  assert.equal(out.page_count, 3);
  const r = await row();
  assert.equal(r?.textract_job_status, 'succeeded');
  assert.equal(r?.textract_job_id, 'job-1');
  assert.equal(r?.raw_extracted_text, 'First page line\nsecond line\n\f\nPage two text\n\f\nPage three text');
  const targets = harness.textract.requests.map((q) => q.target);
  assert.equal(targets[0], 'Textract.StartDocumentTextDetection');
  assert.deepEqual(harness.textract.requests[0]?.body['DocumentLocation'], {
    S3Object: { Bucket: 'legal-bucket', Name: 'cases/brief.pdf' },
  });
  const gets = harness.textract.requests.filter((q) => q.target === 'Textract.GetDocumentTextDetection');
  assert.ok(gets.length >= 4, 'two IN_PROGRESS polls, then several pages of blocks');
  assert.ok(
    gets.some((q) => q.body['NextToken']),
    'NextToken followed',
  );
});

test('a failed Textract job fails the document permanently and records it', async () => {
  Object.assign(harness.textract.options, { inProgressPolls: 0, failJobs: true });
  const { result, row } = await run('s3://legal-bucket/cases/bad.pdf');
  await assert.rejects(result, { kind: 'permanent', code: 'DP_ERR_FILE_CORRUPT' });
  const r = await row();
  assert.equal(r?.textract_job_status, 'failed');
  assert.match(r?.error_message ?? '', /Textract job job-\d+ failed: unsupported document/);
  harness.textract.options.failJobs = false;
});
