/**
 * The ocr stage with the Textract provider against the fake Textract server, on a fresh test schema:
 * `textractHarness(root)` registers the before/after hooks of the calling test file and returns
 * `run(filePath)` (the stage's result and a reader of the document's row) and the fake server.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before } from 'node:test';
import stage from '../../stages/ocr.ts';
import { createProviders } from '../../src/providers/index.ts';
import { startFakeTextract, type FakeTextract } from '../fakes/textract-server.ts';
import { createTestContext } from '../../src/testing/index.ts';
import { createTestDb, type TestDb } from './db.ts';

export interface TextractRow {
  raw_extracted_text: string | null;
  ocr_provider: string | null;
  textract_job_status: string | null;
  textract_job_id: string | null;
  error_message: string | null;
  ocr_metadata_json: { pages: Array<{ method: string }> };
}

export function textractHarness(root: string) {
  let db: TestDb;
  const harness = { textract: undefined as unknown as FakeTextract, run };
  before(async () => {
    // Credentials come from the environment, as in production (the fake accepts any signature).
    process.env['AWS_ACCESS_KEY_ID'] = 'test';
    process.env['AWS_SECRET_ACCESS_KEY'] = 'test';
    db = await createTestDb('ocrtx');
    harness.textract = await startFakeTextract();
  });
  after(async () => {
    await stage.close?.();
    await harness.textract.close();
    await db.drop();
  });
  function providers() {
    return createProviders({
      files: { allowedRoots: [root], maxBytes: 50 * 1024 * 1024 },
      providers: {
        ocr: { provider: 'textract', workers: 2, region: 'us-east-1', endpoint: harness.textract.endpoint, max_pages: 2000 },
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
    const ctx = createTestContext({ store: { sql: db.sql }, providers: providers(), msg, stage: 'ocr', options: tuning });
    const result = stage.run(msg, ctx);
    const row = async () =>
      (
        await db.sql<TextractRow[]>`
        SELECT raw_extracted_text, ocr_provider, textract_job_status, textract_job_id, error_message, ocr_metadata_json FROM source_documents WHERE id = ${doc.id}`
      )[0];
    return { result, row };
  }
  return harness;
}
