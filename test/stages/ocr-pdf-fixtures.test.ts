/**
 * The ocr stage on PDFs generated for the test (test/helpers/pdf-fixtures.ts, written to a temp
 * dir): a scanned exhibit appended to a typed brief is OCR'd by default (each page routed by its own
 * text layer), and text drawn by annotation appearance streams is read where it is drawn (#18).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import stage from '../../stages/ocr.ts';
import { createProviders } from '../../src/providers/index.ts';
import { createTestContext } from '../../src/testing/index.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { encryptedPdf } from '../helpers/pdf-encrypt.ts';
import { ANNOTATION_TEXT, annotatedTranscript, briefWithScannedExhibit, SCANNED_EXHIBIT_LINES } from '../helpers/pdf-fixtures.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'docpipe-pdf-fixtures-'));
let db: TestDb;
before(async () => {
  db = await createTestDb('ocrpdffix');
  writeFileSync(path.join(tmp, 'brief-with-exhibit.pdf'), await briefWithScannedExhibit());
  writeFileSync(path.join(tmp, 'transcript.pdf'), await annotatedTranscript());
  writeFileSync(path.join(tmp, 'sealed.pdf'), encryptedPdf({ userPassword: 'sesame', ownerPassword: 'owner-secret', lines: SEALED }));
  writeFileSync(
    path.join(tmp, 'restricted.pdf'),
    encryptedPdf({ userPassword: '', ownerPassword: 'owner-secret', lines: ['PRINT RESTRICTED ORDER'] }),
  );
});
after(async () => {
  await stage.close?.();
  await db.drop();
  rmSync(tmp, { recursive: true, force: true });
});

const SEALED = ['SEALED SETTLEMENT TERMS', 'Case No. 1:23-cv-04410'];

const providersWith = (pdfPasswords?: string[]) =>
  createProviders({
    files: { allowedRoots: [tmp], maxBytes: 50 << 20 },
    providers: {
      ocr: { provider: 'local', workers: 1, region: 'us-east-1', max_pages: 100, ...(pdfPasswords ? { pdf_passwords: pdfPasswords } : {}) },
      llm: { provider: 'local', model: 'none', api_key_env: 'NONE', concurrency: 1, timeoutMs: 5000 },
      transcription: { provider: 'none', model: 'none', api_key_env: 'NONE' },
    },
  });
const providers = providersWith();

interface Page {
  page: number;
  method: string;
  chars: number;
  confidence: number;
  reason?: string;
  start: number;
  end: number;
}

async function runOcr(file: string, options: Record<string, unknown> = {}, with_ = providers): Promise<{ text: string; pages: Page[] }> {
  const { msg, id } = await insert(file);
  await stage.run(msg, createTestContext({ store: { sql: db.sql }, providers: with_, msg, stage: 'ocr', options }));
  return read(id);
}

async function insert(file: string) {
  const filePath = path.join(tmp, file);
  const [doc] = await db.sql<{ id: string; document_uuid: string }[]>`
    INSERT INTO source_documents (file_name, file_path) VALUES (${file}, ${filePath}) RETURNING id, document_uuid::text`;
  return {
    id: doc!.id,
    msg: { document_uuid: doc!.document_uuid, source_doc_sql_id: Number(doc!.id), file_path: filePath, file_name: file },
  };
}

async function read(id: string): Promise<{ text: string; pages: Page[] }> {
  const [row] = await db.sql<
    { raw_extracted_text: string; ocr_metadata_json: { pages: Page[] } }[]
  >`SELECT raw_extracted_text, ocr_metadata_json FROM source_documents WHERE id = ${id}`;
  return { text: row!.raw_extracted_text, pages: row!.ocr_metadata_json.pages };
}

test("a scanned exhibit appended to a typed brief is OCR'd by default; figures keep no text; ocr_figures: false OCRs none", async () => {
  const { text, pages } = await runOcr('brief-with-exhibit.pdf');
  assert.deepEqual(
    pages.map((p) => p.method),
    [...Array(7).fill('text-layer'), 'ocr', 'text-layer', 'ocr'],
  );
  const exhibit = text.slice(pages[7]!.start, pages[7]!.end);
  for (const line of SCANNED_EXHIBIT_LINES)
    assert.ok(exhibit.replace(/\s+/g, ' ').includes(line), `OCR text of the exhibit lacks "${line}": ${exhibit}`);
  assert.ok(pages[7]!.confidence >= 60, `confidence ${pages[7]!.confidence}`);
  assert.match(text.slice(pages[0]!.start, pages[0]!.end), /^MOTION FOR SUMMARY JUDGMENT/);
  // a colour figure is not OCR'd; a grey one reads as noise and keeps no text
  assert.match(pages[8]!.reason ?? '', /a figure\): a colour image/);
  assert.equal(pages[8]!.chars, 0);
  assert.match(pages[9]!.reason ?? '', /a figure\): OCR confidence [\d.]+, no text kept/);
  assert.equal(pages[9]!.chars, 0);

  const off = await runOcr('brief-with-exhibit.pdf', { ocr_figures: false });
  assert.deepEqual(
    off.pages.map((p) => p.method),
    Array(10).fill('text-layer'),
  );
  assert.equal(off.pages[7]!.chars, 0);
  assert.match(off.pages[7]!.reason ?? '', /figure/);
});

test('text drawn by annotations (stamp, FreeText header/footer, Bates label, form field) is read where it is drawn; hidden and popup text is not', async () => {
  const { text, pages } = await runOcr('transcript.pdf');
  assert.deepEqual(
    pages.map((p) => p.method),
    ['text-layer'],
  );
  const t = ANNOTATION_TEXT;
  for (const s of [t.header, t.stamp, t.bates, t.footer, t.field]) assert.ok(text.includes(s), `missing "${s}"`);
  for (const s of [t.hidden, t.popup]) assert.ok(!text.includes(s), `"${s}" must not be read`);
  const lines = text.split('\n');
  const at = (s: string) => lines.findIndex((l) => l.includes(s));
  // placed where a reader sees them: the header above the first question, the rest below the last
  assert.equal(at(t.header), 0);
  assert.ok(at(t.header) < at('at 1:00?'));
  for (const s of [t.stamp, t.field, t.footer, t.bates]) assert.ok(at(s) > at('at 25:00?'), `"${s}" is not below the body`);
  assert.ok(at(t.stamp) < at(t.footer), 'the stamp (higher on the page) comes before the footer');
});

test('a password-protected PDF fails permanently naming the file; a configured password opens it', async () => {
  const { msg, id } = await insert('sealed.pdf');
  await assert.rejects(
    stage.run(msg, createTestContext({ store: { sql: db.sql }, providers, msg, stage: 'ocr' })),
    (err: { kind?: string; code?: string; message: string }) => {
      assert.equal(err.kind, 'permanent');
      assert.equal(err.code, 'DP_ERR_FILE_ENCRYPTED');
      assert.match(
        err.message,
        /^sealed\.pdf: the PDF is password-protected and no password is configured \(providers\.ocr\.pdf_passwords\)$/,
      );
      return true;
    },
  );
  const [row] = await db.sql<
    { initial_processing_status: string; error_message: string; raw_extracted_text: string | null }[]
  >`SELECT initial_processing_status, error_message, raw_extracted_text FROM source_documents WHERE id = ${id}`;
  assert.equal(row!.initial_processing_status, 'ocr_stream_error');
  assert.match(row!.error_message, /sealed\.pdf: the PDF is password-protected/);
  assert.equal(row!.raw_extracted_text, null);

  const wrong = await insert('sealed.pdf');
  const onlyWrong = providersWith(['not-it']);
  await assert.rejects(
    stage.run(wrong.msg, createTestContext({ store: { sql: db.sql }, providers: onlyWrong, msg: wrong.msg, stage: 'ocr' })),
    /sealed\.pdf: the PDF is password-protected and none of the 1 passwords in providers\.ocr\.pdf_passwords opens it/,
  );

  const opened = await runOcr('sealed.pdf', {}, providersWith(['not-it', 'sesame']));
  assert.equal(opened.text, SEALED.join('\n'));
  // an owner password alone (permissions) does not stop reading
  assert.equal((await runOcr('restricted.pdf')).text, 'PRINT RESTRICTED ORDER');
});
