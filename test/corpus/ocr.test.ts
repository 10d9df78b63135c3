/** The ocr stage on the third-party corpus (../shared/corpus): text-layer PDFs against pdftotext, DOCX, e-mail, text, audio. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import stage from '../../stages/ocr.ts';
import type { ProvidersConfig } from '../../src/config/types.ts';
import { createProviders } from '../../src/providers/index.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { createTestContext } from '../../src/testing/index.ts';
import { relativeEditDistance } from '../helpers/editdistance.ts';
import { startFakeWhisper, type FakeWhisper } from '../fakes/whisper-server.ts';

const repoRoot = path.resolve(fileURLToPath(import.meta.url), '../../..');
const corpus = path.resolve(repoRoot, '../shared/corpus');
const tmp = mkdtempSync(path.join(tmpdir(), 'docpipe-ocr-'));

let db: TestDb;
let whisper: FakeWhisper;
before(async () => {
  db = await createTestDb('ocr');
  whisper = await startFakeWhisper();
});
after(async () => {
  await stage.close?.();
  await whisper.close();
  await db.drop();
  rmSync(tmp, { recursive: true, force: true });
});

function providers(overrides: { transcription?: Partial<ProvidersConfig['transcription']>; ocr?: Partial<ProvidersConfig['ocr']> } = {}) {
  return createProviders({
    files: { allowedRoots: [corpus, tmp], maxBytes: 50 * 1024 * 1024 },
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
    pages?: Array<{ page: number; method: string; chars: number; reason?: string; start?: number; end?: number }>;
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

describe('text-layer PDFs of the corpus', () => {
  const dir = path.join(corpus, 'pdf-text');
  let total = { distance: 0, length: 0 };
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.pdf'))
    .sort()) {
    test(`${file}: text layer only, within 2% of pdftotext`, async (t) => {
      const { run, row } = await runOcr(path.join(dir, file));
      const out = await run();
      const r = await row();
      const pages = r.ocr_metadata_json.pages ?? [];
      assert.equal(out.detected_file_type, '.pdf');
      assert.equal(out.page_count, pages.length);
      // only image-only pages go to OCR (each page routed by its own text layer); a figure among
      // typed pages (vector-pdf.pdf's maps) reads as noise and keeps no text
      const ocrPages = pages.filter((p) => p.method === 'ocr') as Array<{ page: number; chars: number; reason?: string }>;
      for (const p of ocrPages)
        assert.match(
          p.reason ?? '',
          /image-only page in a born-digital PDF \(a figure\)/,
          `${file} page ${p.page} went to OCR: ${p.reason}`,
        );
      assert.deepEqual(
        ocrPages.filter((p) => p.chars > 0).map((p) => p.page),
        [],
        `${file}: OCR text kept for a figure`,
      );
      assert.equal(r.ocr_provider, ocrPages.length ? 'tesseract' : 'pdf_text_layer');
      assert.ok(r.ocr_completed_at);
      assert.ok((r.raw_extracted_text ?? '').length > 200);
      // The comparison: plain `pdftotext <file> -` (poppler's reading order), both sides with every run of
      // whitespace collapsed to one space, Levenshtein distance over characters relative to pdftotext's
      // length; page by page (pdftotext ends each page with a form feed), summed over the file.
      const reference = execFileSync('pdftotext', [path.join(dir, file), '-'], { maxBuffer: 1 << 26 }).toString('utf8');
      const refPages = reference.split('\f');
      const d = pages.reduce(
        (acc, p, i) => {
          const one = relativeEditDistance((r.raw_extracted_text ?? '').slice(p.start, p.end), refPages[i] ?? '');
          return {
            distance: acc.distance + one.distance,
            length: acc.length + one.length,
            ratio: (acc.distance + one.distance) / Math.max(1, acc.length + one.length),
          };
        },
        { distance: 0, length: 0, ratio: 0 },
      );
      const words = wordDifference(r.raw_extracted_text ?? '', reference);
      total = { distance: total.distance + d.distance, length: total.length + d.length };
      t.diagnostic(`${file}: edit distance ${(d.ratio * 100).toFixed(2)}%, word difference ${(words * 100).toFixed(2)}%`);
      assert.ok(d.ratio <= 0.02, `${file}: edit distance to pdftotext ${(d.ratio * 100).toFixed(2)}% (over 2%)`);
      assert.ok(words <= 0.02, `${file}: ${(words * 100).toFixed(2)}% of pdftotext's words differ`);
    });
  }
  test('whole set: character edit distance to pdftotext within 2%', (t) => {
    assert.ok(total.length > 0, 'the per-file comparisons ran');
    const ratio = total.distance / total.length;
    t.diagnostic(`corpus edit distance ${(ratio * 100).toFixed(2)}% over ${total.length} characters`);
    assert.ok(ratio <= 0.02, `corpus edit distance ${(ratio * 100).toFixed(2)}%`);
  });
});

/** Share of the reference's word characters not matched one-for-one (order-insensitive; line-end hyphens joined). */
function wordDifference(actual: string, reference: string): number {
  const count = (s: string) => {
    const m = new Map<string, number>();
    for (const w of s.replace(/-\s+/g, '').split(/\s+/).filter(Boolean)) m.set(w, (m.get(w) ?? 0) + 1);
    return m;
  };
  const a = count(actual);
  const r = count(reference);
  let diff = 0;
  let len = 0;
  for (const [w, n] of r) {
    len += w.length * n;
    diff += w.length * Math.max(0, n - (a.get(w) ?? 0));
  }
  for (const [w, n] of a) diff += w.length * Math.max(0, n - (r.get(w) ?? 0));
  return diff / Math.max(1, len);
}

describe('other formats of the corpus', () => {
  test('DOCX: paragraphs and tables as text, with counts', async () => {
    for (const file of ['handbook-1p.docx', 'word-docx.docx']) {
      const { run, row } = await runOcr(path.join(corpus, 'docx', file));
      const out = await run();
      const r = await row();
      assert.equal(out.detected_file_type, '.docx');
      assert.equal(r.ocr_provider, 'docx_parser');
      assert.ok((r.raw_extracted_text ?? '').length > 1000, file);
      const docx = r.ocr_metadata_json['docx'] as { paragraphs: number };
      assert.ok(docx.paragraphs > 5, file);
    }
    const { run, row } = await runOcr(path.join(corpus, 'docx', 'handbook-1p.docx'));
    await run();
    assert.match((await row()).raw_extracted_text ?? '', /A\. PURPOSE\n\nThe United States Trustee appoints/);
  });

  test('e-mail: headers into metadata, HTML body as text, attachments under a marker', async () => {
    for (const file of readdirSync(path.join(corpus, 'eml'))) {
      const { run, row } = await runOcr(path.join(corpus, 'eml', file));
      const out = await run();
      const r = await row();
      assert.equal(out.detected_file_type, '.eml', file);
      const email = r.ocr_metadata_json['email'] as {
        from: string | null;
        subject: string | null;
        date: string | null;
        attachments: unknown[];
      };
      assert.ok(email.from, `${file}: from`);
      assert.ok(email.subject !== undefined, `${file}: subject`);
      assert.ok((r.raw_extracted_text ?? '').trim().length > 20, `${file}: text`);
      assert.doesNotMatch(r.raw_extracted_text ?? '', /<(p|div|td|br)\b/i, `${file}: no HTML left`);
    }
    const { run, row } = await runOcr(path.join(corpus, 'eml', 'nef_almd_1.eml'));
    await run();
    const r = await row();
    assert.match(r.raw_extracted_text ?? '', /Notice of Electronic Filing/i);
    const email = r.ocr_metadata_json['email'] as { to: string | null; date: string | null };
    assert.ok(email.date);
  });

  test('contracts (plain text): encoding detected, text kept', async () => {
    for (const file of readdirSync(path.join(corpus, 'txt'))) {
      const { run, row } = await runOcr(path.join(corpus, 'txt', file));
      const out = await run();
      const r = await row();
      assert.equal(out.detected_file_type, '.txt', file);
      assert.equal(r.ocr_provider, 'txt_parser');
      assert.ok((r.raw_extracted_text ?? '').length > 10_000, file);
      assert.ok(['utf-8', 'utf-8-bom', 'windows-1252'].includes(String(r.ocr_metadata_json['encoding'])), file);
    }
  });

  test('audio: transcribed through the Whisper endpoint', async () => {
    const file = path.join(corpus, 'audio', 'ander_v._leo.mp3');
    const p = providers({ transcription: { provider: 'openai', base_url: whisper.baseURL } });
    const { run, row } = await runOcr(file, { providers: p });
    const out = await run();
    const r = await row();
    assert.equal(out.detected_file_type, '.mp3');
    assert.equal(r.ocr_provider, 'whisper');
    assert.match(r.raw_extracted_text ?? '', /Transcript of ander_v\._leo\.mp3 \(240744 bytes\)/);
    const last = whisper.requests.at(-1);
    assert.equal(last?.model, 'whisper-1');
    assert.equal(last?.responseFormat, 'verbose_json');
    assert.equal(last?.fileBytes, readFileSync(file).length);
    assert.equal((r.ocr_metadata_json['audio'] as { language: string }).language, 'english');
  });

  test('audio without a transcription provider fails permanently with a clear reason', async () => {
    const { run, row } = await runOcr(path.join(corpus, 'audio', 'ander_v._leo.mp3'));
    await assert.rejects(run, { kind: 'permanent', code: 'DP_ERR_PROVIDER_UNAVAILABLE' });
    assert.match((await row()).error_message ?? '', /transcription provider/);
  });

  test('re-running a document leaves the same row (replace by key)', async () => {
    const { run, row } = await runOcr(path.join(corpus, 'pdf-text', 'ca2_1-1.pdf'));
    await run();
    const first = await row();
    await run();
    const second = await row();
    assert.equal(second.raw_extracted_text, first.raw_extracted_text);
    assert.deepEqual(second.ocr_metadata_json, first.ocr_metadata_json);
  });
});
