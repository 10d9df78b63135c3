import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import stage from '../../stages/ocr.ts';
import { createProviders } from '../../src/providers/index.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { fakeContext } from '../helpers/context.ts';
import { startFakeTextract, type FakeTextract } from '../fakes/textract-server.ts';

const documents = path.resolve(fileURLToPath(import.meta.url), '../../../examples/documents');
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
    files: { allowedRoots: [documents], maxBytes: 50 * 1024 * 1024 },
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


test('s3:// sources use the asynchronous job with NextToken pagination', async () => {
  textract.requests.length = 0;
  Object.assign(textract.options, { inProgressPolls: 2, blocksPerResponse: 3, s3Pages: () => [['First page line', 'second line'], ['Page two text'], ['Page three text']] });
  const { result, row } = await run('s3://legal-bucket/cases/brief.pdf');
  const out = await result;
  assert.equal(out.page_count, 3);
  const r = await row();
  assert.equal(r?.textract_job_status, 'succeeded');
  assert.equal(r?.textract_job_id, 'job-1');
  assert.equal(r?.raw_extracted_text, 'First page line\nsecond line\n\f\nPage two text\n\f\nPage three text');
  const targets = textract.requests.map((q) => q.target);
  assert.equal(targets[0], 'Textract.StartDocumentTextDetection');
  assert.deepEqual(textract.requests[0]?.body['DocumentLocation'], { S3Object: { Bucket: 'legal-bucket', Name: 'cases/brief.pdf' } });
  const gets = textract.requests.filter((q) => q.target === 'Textract.GetDocumentTextDetection');
  assert.ok(gets.length >= 4, 'two IN_PROGRESS polls, then several pages of blocks');
  assert.ok(gets.some((q) => q.body['NextToken']), 'NextToken followed');
});

test('a failed Textract job fails the document permanently and records it', async () => {
  Object.assign(textract.options, { inProgressPolls: 0, failJobs: true });
  const { result, row } = await run('s3://legal-bucket/cases/bad.pdf');
  await assert.rejects(result, { kind: 'permanent', code: 'DP_ERR_FILE_CORRUPT' });
  const r = await row();
  assert.equal(r?.textract_job_status, 'failed');
  assert.match(r?.error_message ?? '', /Textract job job-\d+ failed: unsupported document/);
  textract.options.failJobs = false;
});
