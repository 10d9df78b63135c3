/**
 * Hostile source files through the real `ocr` stage (fake context, real Postgres, real providers):
 * PDFs with huge page counts, decompression bombs inside a DOCX, e-mails with thousands of
 * attachments or nested far too deep; and LocalFileSource against path tricks. Each gets a clear,
 * permanent error (or a bounded, recorded truncation) and never a runaway process.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { constants, deflateRawSync } from 'node:zlib';
import { zipPacked } from '../../scripts/examples/zip.ts';
import { after, before, describe, test } from 'node:test';
import stage from '../../stages/ocr.ts';
import { LocalFileSource } from '../../src/providers/files.ts';
import { createProviders } from '../../src/providers/index.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { createTestContext } from '../../src/testing/index.ts';
import { mib } from './support.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'dp-hostile-files-'));
let db: TestDb;
before(async () => {
  db = await createTestDb('hostilefiles');
});
after(async () => {
  await stage.close?.();
  await db.drop();
  rmSync(tmp, { recursive: true, force: true });
});

/** Providers as pipeline.yaml defaults give them (max_pages 2000, 50 attachments, 256 MiB inflate cap). */
const providers = createProviders({
  files: { allowedRoots: [tmp], maxBytes: 100 * 1024 * 1024 },
  providers: {
    ocr: { provider: 'local', workers: 1, region: 'us-east-1', max_pages: 2000 },
    llm: { provider: 'local', model: 'gpt-4o-mini', api_key_env: 'OPENAI_API_KEY', concurrency: 1, timeoutMs: 60_000 },
    transcription: { provider: 'none', model: 'whisper-1', api_key_env: 'DOCPIPE_TEST_NO_KEY' },
  },
});

async function runOcr(name: string, bytes: Buffer) {
  const file = path.join(tmp, name);
  writeFileSync(file, bytes);
  const [doc] = await db.sql<{ id: string; document_uuid: string }[]>`
    INSERT INTO source_documents (file_name, file_path) VALUES (${name}, ${file}) RETURNING id, document_uuid::text`;
  const msg = { document_uuid: doc!.document_uuid, source_doc_sql_id: Number(doc!.id), file_path: file, file_name: name };
  const ctx = createTestContext({ store: { sql: db.sql }, providers, msg, stage: 'ocr' });
  const rssBefore = process.memoryUsage().rss;
  let error: { kind?: string; code?: string; message: string } | undefined;
  let output: Record<string, unknown> | undefined;
  try {
    output = await stage.run(msg, ctx);
  } catch (err) {
    error = err as { kind?: string; code?: string; message: string };
  }
  const rssGrowth = process.memoryUsage().rss - rssBefore;
  const [row] = await db.sql<
    {
      initial_processing_status: string;
      error_message: string | null;
      raw_extracted_text: string | null;
      ocr_metadata_json: Record<string, unknown> | null;
    }[]
  >`
    SELECT initial_processing_status, error_message, raw_extracted_text, ocr_metadata_json FROM source_documents WHERE id = ${doc!.id}`;
  if (process.env['HOSTILE_DEBUG'])
    process.stdout.write(
      `# ${JSON.stringify(output)} ${JSON.stringify(row?.ocr_metadata_json).slice(0, 1500)} ${JSON.stringify(row?.raw_extracted_text?.slice(0, 600))}\n`,
    );
  process.stdout.write(
    `# ${name}: ${error ? `${error.kind} ${error.code}: ${error.message.slice(0, 160)}` : 'extracted'}; rss +${mib(Math.max(0, rssGrowth))}\n`,
  );
  return { error, output, row: row!, rssGrowth };
}

function expectPermanent(r: Awaited<ReturnType<typeof runOcr>>, code: string, pattern: RegExp): void {
  assert.ok(r.error, 'the stage fails');
  assert.equal(r.error.kind, 'permanent', r.error.message);
  assert.equal(r.error.code, code, r.error.message);
  assert.match(r.error.message, pattern);
  assert.equal(r.row.initial_processing_status, 'ocr_stream_error');
  assert.match(r.row.error_message ?? '', pattern, 'the reason is recorded on the document');
  assert.equal(r.row.raw_extracted_text, null);
}

describe('hostile files through the ocr stage', { timeout: 180_000 }, () => {
  test('a PDF whose page tree claims 10,000,000 pages but holds one: pdf.js counts the real page; nothing iterates ten million', async () => {
    const r = await runOcr('claims-ten-million-pages.pdf', pdf(1, 10_000_000));
    assert.equal(r.error, undefined, r.error?.message);
    assert.equal(r.output?.['page_count'], 1);
    assert.equal((r.row.ocr_metadata_json as { pages?: unknown[] }).pages?.length, 1);
  });

  test('a PDF with 5,000 real (empty) pages: rejected by max_pages', async () => {
    const r = await runOcr('five-thousand-pages.pdf', pdf(5000));
    expectPermanent(r, 'DP_ERR_FILE_CORRUPT', /5000 pages, over providers\.ocr\.max_pages \(2000\)/);
  });

  test('a DOCX whose document.xml inflates to 320 MiB (declared honestly): rejected as a zip bomb', async () => {
    const r = await runOcr('bomb-honest.docx', docx(zeros(320), 320 * 1024 * 1024));
    expectPermanent(r, 'DP_ERR_FILE_CORRUPT', /declares \d+ uncompressed bytes, over the limit of 268435456 \(zip bomb\)/);
  });

  test('a DOCX whose central directory lies (says 2 KiB, inflates to 320 MiB): stopped at the inflate cap, memory bounded', async () => {
    const r = await runOcr('bomb-lying.docx', docx(zeros(320), 2048));
    expectPermanent(r, 'DP_ERR_FILE_CORRUPT', /bomb-lying\.docx/);
    assert.ok(r.rssGrowth < 300 * 1024 * 1024, `resident memory grew ${mib(r.rssGrowth)}, not the bomb's 320 MiB`);
  });

  test('a DOCX with 20,000 entries: over max_zip_entries', async () => {
    const entries: Array<[string, Buffer, number]> = [];
    for (let i = 0; i < 20_000; i++) entries.push([`word/media/x${i}.xml`, deflateRawSync(Buffer.from('<x/>')), 4]);
    const r = await runOcr('many-entries.docx', zip(entries));
    expectPermanent(r, 'DP_ERR_FILE_CORRUPT', /20000 ZIP entries, over the limit of 10000/);
  });

  test('an e-mail with 600 attachments: 50 extracted, the rest recorded as skipped; the text stays bounded', async () => {
    const r = await runOcr('many-attachments.eml', eml(600));
    assert.equal(r.error, undefined, r.error?.message);
    const meta = (
      r.row.ocr_metadata_json as { email?: { attachments?: Array<{ status: string; reason?: string }>; attachments_skipped?: number } }
    ).email;
    assert.equal(meta?.attachments?.length, 600, 'every attachment is listed');
    assert.equal(meta?.attachments?.filter((a) => a.status === 'extracted').length, 50);
    assert.equal(meta?.attachments_skipped, 550);
    assert.match(meta?.attachments?.[599]?.reason ?? '', /over the limit of 50 attachments/);
    assert.ok((r.row.raw_extracted_text ?? '').length < 50 * 100 + 1000, 'only the extracted attachments are in the text');
  });

  test("an e-mail with 3,000 attachments: over the MIME parser's node limit, a clear permanent error", async () => {
    const r = await runOcr('thousands-of-attachments.eml', eml(3000));
    expectPermanent(
      r,
      'DP_ERR_FILE_CORRUPT',
      /thousands-of-attachments\.eml: the e-mail cannot be parsed \(Max allowed child nodes exceeded\)/,
    );
  });

  test('an e-mail nesting e-mails 10 deep: followed to depth 3, the deeper ones not extracted', async () => {
    let inner = 'From: a@example.com\r\nTo: b@example.com\r\nSubject: level 10\r\nContent-Type: text/plain\r\n\r\nthe bottom\r\n';
    for (let level = 9; level >= 1; level--) inner = wrapEml(inner, level);
    const r = await runOcr('nested.eml', Buffer.from(inner));
    assert.equal(r.error, undefined, r.error?.message);
    const text = r.row.raw_extracted_text ?? '';
    assert.match(text, /Attachment: level3\.eml/, 'attachments are followed down to the depth limit');
    assert.doesNotMatch(text, /level4\.eml|the bottom/, 'and no further');
  });
});

describe('LocalFileSource against path tricks', () => {
  const root = path.join(tmp, 'root');
  before(() => {
    mkdirSync(root);
    mkdirSync(`${root}2`);
    writeFileSync(path.join(root, 'ok.txt'), 'fine');
    writeFileSync(`${root}2/secret.txt`, 'secret');
    symlinkSync('/etc', path.join(root, 'etc'));
    symlinkSync(`${root}2/secret.txt`, path.join(root, 'relative-link.txt'));
  });

  const source = () => new LocalFileSource({ allowedRoots: [root], maxBytes: 1024 });
  const outside = { kind: 'invalid-message', code: 'DP_ERR_FILE_OUTSIDE_ROOTS' };

  for (const [name, p] of [
    ['a sibling folder sharing the root as a name prefix', () => `${root}2/secret.txt`],
    ['../ after a symlinked folder', () => `${root}/etc/../../etc/passwd`],
    ['a symlink to a system folder', () => `${root}/etc/passwd`],
    ['a symlink to a file outside', () => `${root}/relative-link.txt`],
    ['file:// with an encoded slash', () => `file://${root}/..%2F${path.basename(root)}2/secret.txt`],
    ['file:// with a remote host', () => `file://attacker.example/${root}/ok.txt`],
    ['an upper-case FILE:// scheme', () => `FILE://${root}/../etc/passwd`],
    ['a NUL byte', () => `${root}/ok.txt\0.pdf`],
    ['/proc', () => '/proc/self/environ'],
  ] as const) {
    test(`rejects ${name} without reading`, async () => {
      await assert.rejects(source().read(p()), (err: { kind?: string; code?: string; message: string }) => {
        assert.equal(err.kind, outside.kind, err.message);
        assert.equal(err.code, outside.code, err.message);
        return true;
      });
    });
  }

  test('still reads the file that is inside', async () => {
    assert.equal((await source().read(`file://${root}/ok.txt`)).bytes.toString(), 'fine');
  });
});

// ---- builders of hostile files ----

function zeros(mibCount: number): Buffer {
  // Non-final deflate blocks of 16 MiB of zeros, repeated, then an empty final block: a stream
  // that inflates to `mibCount` MiB from a few hundred KiB, built without allocating it.
  const chunk = deflateRawSync(Buffer.alloc(16 * 1024 * 1024), { finishFlush: constants.Z_SYNC_FLUSH });
  const parts: Buffer[] = [];
  for (let i = 0; i < mibCount / 16; i++) parts.push(chunk);
  parts.push(Buffer.from([0x03, 0x00]));
  return Buffer.concat(parts);
}

function docx(documentXml: Buffer, declaredSize: number): Buffer {
  const types =
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>';
  return zip([
    ['[Content_Types].xml', deflateRawSync(Buffer.from(types)), types.length],
    ['word/document.xml', documentXml, declaredSize],
  ]);
}

/** A ZIP of already-deflated entries, each with the uncompressed size it declares. */
function zip(entries: ReadonlyArray<readonly [string, Buffer, number]>): Buffer {
  return zipPacked(entries.map(([name, packed, size]) => ({ name, packed, size })));
}

/** A PDF with `real` empty pages whose page tree claims `claimed` pages. */
function pdf(real: number, claimed = real): Buffer {
  const objects: string[] = [];
  objects[1] = '<< /Type /Catalog /Pages 2 0 R >>';
  const kids = Array.from({ length: real }, (_, i) => `${i + 3} 0 R`).join(' ');
  objects[2] = `<< /Type /Pages /Count ${claimed} /Kids [${kids}] >>`;
  for (let i = 0; i < real; i++) objects[i + 3] = '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>';
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  for (let i = 1; i < objects.length; i++) {
    offsets[i] = Buffer.byteLength(out);
    out += `${i} 0 obj\n${objects[i]}\nendobj\n`;
  }
  const xref = Buffer.byteLength(out);
  out += `xref\n0 ${objects.length}\n0000000000 65535 f \n`;
  for (let i = 1; i < objects.length; i++) out += `${String(offsets[i]).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

function eml(attachments: number): Buffer {
  const boundary = 'b0undary';
  const parts = [
    `From: sender@example.com\r\nTo: court@example.com\r\nSubject: exhibits\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="${boundary}"\r\n\r\n`,
    `--${boundary}\r\nContent-Type: text/plain\r\n\r\nPlease find the exhibits attached.\r\n`,
  ];
  for (let i = 1; i <= attachments; i++) {
    parts.push(
      `--${boundary}\r\nContent-Type: text/plain; name="exhibit-${i}.txt"\r\nContent-Disposition: attachment; filename="exhibit-${i}.txt"\r\n\r\nExhibit ${i}: a short text.\r\n`,
    );
  }
  parts.push(`--${boundary}--\r\n`);
  return Buffer.from(parts.join(''));
}

function wrapEml(inner: string, level: number): string {
  const b = `level${level}`;
  return `From: a@example.com\r\nTo: b@example.com\r\nSubject: level ${level}\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="${b}"\r\n\r\n--${b}\r\nContent-Type: text/plain\r\n\r\nforwarded\r\n--${b}\r\nContent-Type: message/rfc822\r\nContent-Disposition: attachment; filename="level${level + 1}.eml"\r\n\r\n${inner}\r\n--${b}--\r\n`;
}
