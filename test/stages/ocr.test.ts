import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { zip } from '../../scripts/examples/zip.ts';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import stage from '../../stages/ocr.ts';
import type { ProvidersConfig } from '../../src/config/types.ts';
import { createProviders } from '../../src/providers/index.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { createTestContext } from '../../src/testing/index.ts';

const repoRoot = path.resolve(fileURLToPath(import.meta.url), '../../..');
/** The repository's own sample documents (the third-party corpus is read by test/corpus/ocr.test.ts). */
const documents = path.join(repoRoot, 'examples/documents');
const tmp = mkdtempSync(path.join(tmpdir(), 'docpipe-ocr-'));

let db: TestDb;
before(async () => {
  db = await createTestDb('ocr');
});
after(async () => {
  await stage.close?.();
  await db.drop();
  rmSync(tmp, { recursive: true, force: true });
});

function providers(overrides: { transcription?: Partial<ProvidersConfig['transcription']>; ocr?: Partial<ProvidersConfig['ocr']> } = {}) {
  return createProviders({
    files: { allowedRoots: [documents, tmp], maxBytes: 50 * 1024 * 1024 },
    providers: {
      ocr: { provider: 'local', workers: 2, region: 'us-east-1', max_pages: 2000, ...overrides.ocr },
      llm: { provider: 'local', model: 'gpt-4o-mini', api_key_env: 'OPENAI_API_KEY', concurrency: 1, timeoutMs: 60_000 },
      transcription: { provider: 'none', model: 'whisper-1', api_key_env: 'DOCPIPE_TEST_NO_KEY', ...overrides.transcription },
    },
  });
}

interface Row {
  raw_extracted_text: string | null;
  ocr_metadata_json: Record<string, unknown> & {
    pages?: Array<{ page: number; method: string; chars: number; start?: number; end?: number }>;
  };
  ocr_provider: string | null;
  detected_file_type: string | null;
  initial_processing_status: string;
  error_message: string | null;
  ocr_completed_at: Date | null;
}

async function runOcr(
  filePath: string,
  options: { providers?: ReturnType<typeof providers>; stageOptions?: Record<string, unknown> } = {},
) {
  const [doc] = await db.sql<{ id: string; document_uuid: string }[]>`
    INSERT INTO source_documents (file_name, file_path) VALUES (${path.basename(filePath)}, ${filePath}) RETURNING id, document_uuid::text`;
  assert.ok(doc);
  const msg = {
    document_uuid: doc.document_uuid,
    source_doc_sql_id: Number(doc.id),
    file_path: filePath,
    file_name: path.basename(filePath),
  };
  const ctx = createTestContext({
    store: { sql: db.sql },
    providers: options.providers ?? providers(),
    msg,
    stage: 'ocr',
    options: options.stageOptions,
  });
  const run = () => stage.run(msg, ctx);
  const row = async () => (await db.sql<Row[]>`SELECT * FROM source_documents WHERE id = ${doc.id}`)[0] as Row;
  return { msg, ctx, run, row };
}

async function expectPermanent(filePath: string, code: string, pattern: RegExp, stageOptions?: Record<string, unknown>) {
  const { run, row } = await runOcr(filePath, { stageOptions });
  await assert.rejects(run, (err: { kind?: string; code?: string; message: string }) => {
    assert.equal(err.kind, 'permanent', err.message);
    assert.equal(err.code, code, err.message);
    assert.match(err.message, pattern);
    return true;
  });
  const r = await row();
  assert.equal(r.initial_processing_status, 'ocr_stream_error');
  assert.match(r.error_message ?? '', pattern);
  assert.equal(r.raw_extracted_text, null);
}

describe('other formats', () => {
  test('e-mail: an HTML body as text, attachments under a marker, at most max_attachments', async () => {
    const withAttachment = path.join(tmp, 'with-attachment.eml');
    const attached = Buffer.from('The settlement agreement is attached.\nSigned by both parties.');
    writeFileSync(
      withAttachment,
      [
        'From: Clerk <clerk@example.org>',
        'To: Counsel <counsel@example.org>',
        'Subject: Filing',
        'Date: Mon, 1 Feb 2021 10:00:00 +0000',
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="b1"',
        '',
        '--b1',
        'Content-Type: text/html; charset=utf-8',
        '',
        '<html><body><p>Please see <b>attached</b>.</p><table><tr><td>Case</td><td>1:21-cv-1</td></tr></table></body></html>',
        '--b1',
        'Content-Type: text/plain; name="agreement.txt"',
        'Content-Disposition: attachment; filename="agreement.txt"',
        'Content-Transfer-Encoding: base64',
        '',
        attached.toString('base64'),
        '--b1--',
        '',
      ].join('\r\n'),
    );
    const mail = await runOcr(withAttachment);
    await mail.run();
    const m = await mail.row();
    assert.match(m.raw_extracted_text ?? '', /Please see attached\./);
    assert.match(m.raw_extracted_text ?? '', /Case\t1:21-cv-1/);
    assert.match(m.raw_extracted_text ?? '', /----- Attachment: agreement\.txt -----\nThe settlement agreement is attached\./);
    const meta = m.ocr_metadata_json['email'] as { attachments: Array<{ name: string; status: string }> };
    assert.deepEqual(
      meta.attachments.map((a) => [a.name, a.status]),
      [['agreement.txt', 'extracted']],
    );
    const capped = await runOcr(withAttachment, { stageOptions: { max_attachments: 0 } });
    await capped.run();
    const c = await capped.row();
    assert.doesNotMatch(c.raw_extracted_text ?? '', /Attachment:/);
    assert.match(JSON.stringify(c.ocr_metadata_json), /over the limit of 0 attachments/);
  });

  test('plain text: Windows-1252/Latin-1 and UTF-16 with a BOM are detected', async () => {
    const latin1 = path.join(tmp, 'latin1.txt');
    writeFileSync(latin1, Buffer.from('Caf\xe9 \xa7 12 of the Agreement', 'latin1'));
    const l = await runOcr(latin1);
    await l.run();
    assert.equal((await l.row()).raw_extracted_text, 'Café § 12 of the Agreement');
    const utf16 = path.join(tmp, 'utf16.txt');
    writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Résumé of the parties', 'utf16le')]));
    const u = await runOcr(utf16);
    await u.run();
    const ur = await u.row();
    assert.equal(ur.raw_extracted_text, 'Résumé of the parties');
    assert.equal(ur.ocr_metadata_json['encoding'], 'utf-16le');
  });
});

describe('broken files fail permanently with a clear reason', () => {
  test('a truncated PDF', async () => {
    const bytes = readFileSync(path.join(documents, 'order-on-motion-to-dismiss.pdf'));
    const file = path.join(tmp, 'truncated.pdf');
    writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length / 3)));
    await expectPermanent(file, 'DP_ERR_FILE_CORRUPT', /truncated\.pdf.*(cannot be read|PDF)/);
  });

  test('random bytes named .pdf', async () => {
    const file = path.join(tmp, 'random.pdf');
    writeFileSync(file, randomBytes(4096));
    await expectPermanent(
      file,
      'DP_ERR_FILE_CORRUPT',
      /random\.pdf: named \.pdf but the content is not \(detected unknown; no %PDF- header\)/,
    );
  });

  test('random bytes behind a PDF header', async () => {
    const file = path.join(tmp, 'header-only.pdf');
    writeFileSync(file, Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(4096)]));
    await expectPermanent(file, 'DP_ERR_FILE_CORRUPT', /header-only\.pdf: the PDF cannot be read/);
  });

  test('a .docx that is not a zip', async () => {
    const file = path.join(tmp, 'not-a-zip.docx');
    writeFileSync(file, 'This is plain text pretending to be a Word document.\n');
    await expectPermanent(
      file,
      'DP_ERR_FILE_CORRUPT',
      /not-a-zip\.docx: named \.docx but the content is not \(detected \.txt; a \.docx must be a ZIP archive\)/,
    );
  });

  test('a zip bomb .docx', async () => {
    const file = path.join(tmp, 'bomb.docx');
    writeFileSync(file, zip([{ name: 'word/document.xml', data: Buffer.alloc(20 * 1024 * 1024, 0x20) }], new Date(Date.UTC(2024, 0, 1))));
    await expectPermanent(
      file,
      'DP_ERR_FILE_CORRUPT',
      /bomb\.docx: declares \d+ uncompressed bytes, over the limit of 1048576 \(zip bomb\)/,
      { max_uncompressed_bytes: 1024 * 1024 },
    );
  });

  test('a PDF over max_pages', async () => {
    const p = providers({ ocr: { max_pages: 1 } });
    const { run, row } = await runOcr(path.join(documents, 'order-on-motion-to-dismiss.pdf'), { providers: p });
    await assert.rejects(run, { kind: 'permanent', code: 'DP_ERR_FILE_CORRUPT' });
    assert.match((await row()).error_message ?? '', /2 pages, over providers\.ocr\.max_pages \(1\)/);
  });
});
