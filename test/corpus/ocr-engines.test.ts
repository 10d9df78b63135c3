/**
 * The two local OCR engines on a generated scan whose text is known (native tesseract and
 * tesseract.js, the same text both ways), a corrupt image failing its document and not the engine,
 * and an aborted document's tesseract process killed. In the corpus suite, which needs the system
 * tools (the runner checks `tesseract` first and names the packages: tesseract-ocr, tesseract-ocr-eng).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DocpipeError } from '../../src/errors.ts';
import { DEFAULT_LIMITS, Extractor, type ExtractResult } from '../../src/providers/extract/index.ts';
import { editDistance, normaliseWhitespace } from '../helpers/editdistance.ts';
import { generatedPagePng, generatedScan, type GeneratedScan } from '../helpers/scans.ts';

const repoRoot = path.resolve(fileURLToPath(import.meta.url), '../../..');
const deps = { transcriber: undefined, limits: { ...DEFAULT_LIMITS, maxPages: 100 }, heartbeat: async () => {} };

let scan: GeneratedScan;
let pagePng: Buffer;
const extractors: Extractor[] = [];
const extractor = (engine: 'native' | 'tesseract.js') => {
  const e = new Extractor({ provider: 'local', engine, workers: 2, region: 'us-east-1', max_pages: 100 });
  extractors.push(e);
  return e;
};
before(async () => {
  scan = await generatedScan(repoRoot, 1);
  pagePng = generatedPagePng(repoRoot).png;
});
after(async () => {
  for (const e of extractors) await e.close();
});

function accuracy(result: ExtractResult, truth: string): number {
  const t = normaliseWhitespace(truth);
  return 1 - editDistance(normaliseWhitespace(result.text), t) / t.length;
}

const results = new Map<string, ExtractResult>();

for (const engine of ['native', 'tesseract.js'] as const) {
  test(`${engine}: a generated scan OCRs to its text (character accuracy at least 98%)`, async (t) => {
    const r = await extractor(engine).extract({ bytes: scan.pdf, name: scan.name, type: '.pdf', key: `scan-${engine}` }, deps);
    assert.equal(r.provider, 'tesseract');
    assert.deepEqual(
      r.pages.map((p) => p.method),
      ['ocr'],
    );
    assert.ok((r.pages[0]?.confidence ?? 0) > 80, `confidence ${r.pages[0]?.confidence}`);
    const a = accuracy(r, scan.pages[0]!);
    t.diagnostic(`${engine}: character accuracy ${(a * 100).toFixed(2)}%, confidence ${r.pages[0]?.confidence}`);
    assert.ok(a >= 0.98, `character accuracy ${(a * 100).toFixed(2)}%`);
    results.set(engine, r);
  });
}

test('both engines give the same text (within 1% edit distance)', (t) => {
  const native = results.get('native');
  const js = results.get('tesseract.js');
  assert.ok(native && js, 'both engine tests ran');
  const a = normaliseWhitespace(native.text);
  const d = editDistance(a, normaliseWhitespace(js.text)) / a.length;
  t.diagnostic(`native vs tesseract.js: ${(d * 100).toFixed(2)}%`);
  assert.ok(d <= 0.01, `${(d * 100).toFixed(2)}% apart`);
});

for (const engine of ['native', 'tesseract.js'] as const) {
  test(`${engine}: a corrupt image fails its document (DP_ERR_FILE_CORRUPT), the engine goes on`, async () => {
    const e = extractor(engine);
    const truncated = pagePng.subarray(0, 2000);
    await assert.rejects(
      e.extract({ bytes: truncated, name: 'broken.png', type: '.png', key: `broken-${engine}` }, deps),
      (err: unknown) => {
        assert.ok(err instanceof DocpipeError, String(err));
        assert.equal(err.code, 'DP_ERR_FILE_CORRUPT');
        assert.equal(err.kind, 'permanent');
        return true;
      },
    );
    const next = await e.extract({ bytes: pagePng, name: 'page.png', type: '.png', key: `good-${engine}` }, deps);
    assert.match(next.text, /MASTER SUPPLY AGREEMENT/);
  });
}

/** tesseract processes that are children of this process (Linux /proc). */
function tesseractChildren(): number[] {
  const tasks = readdirSync(`/proc/${process.pid}/task`);
  const children = tasks.flatMap((t) =>
    readFileSync(`/proc/${process.pid}/task/${t}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number),
  );
  return children.filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'tesseract';
    } catch {
      return false;
    }
  });
}

test('native: aborting a document kills its tesseract process', async () => {
  const e = extractor('native');
  const controller = new AbortController();
  const running = e.extract({ bytes: pagePng, name: 'page.png', type: '.png', key: 'abort' }, { ...deps, signal: controller.signal });
  for (let i = 0; i < 200 && tesseractChildren().length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(tesseractChildren().length, 1, 'tesseract is running');
  controller.abort(new Error('stage timeout'));
  await assert.rejects(running, /stage timeout/);
  assert.deepEqual(tesseractChildren(), [], 'no tesseract process left');
});

test('the ocr stage stops at start-up when providers.ocr.engine is native and the binary is missing', async () => {
  const { default: stage } = await import('../../stages/ocr.ts');
  const { createProviders } = await import('../../src/providers/index.ts');
  const { pino } = await import('pino');
  const empty = mkdtempSync(path.join(tmpdir(), 'docpipe-nopath-'));
  const providers = (engine: 'native' | 'auto') =>
    createProviders({
      files: { allowedRoots: [repoRoot], maxBytes: 1024 },
      providers: {
        ocr: { provider: 'local', engine, region: 'us-east-1', max_pages: 10 },
        llm: { provider: 'local', model: 'x', api_key_env: 'OPENAI_API_KEY', concurrency: 1, timeoutMs: 1000 },
        transcription: { provider: 'none', model: 'whisper-1', api_key_env: 'OPENAI_API_KEY' },
      },
    });
  const setup = (engine: 'native' | 'auto') =>
    stage.setup!({ stage: 'ocr', log: pino({ level: 'silent' }), store: undefined as never, providers: providers(engine), options: {} });
  const saved = process.env['PATH'];
  process.env['PATH'] = empty;
  try {
    await assert.rejects(setup('native'), (err: unknown) => {
      assert.ok(err instanceof DocpipeError);
      assert.equal(err.code, 'DP_ERR_PROVIDER_UNAVAILABLE');
      assert.match(err.message, /tesseract-ocr and tesseract-ocr-eng/);
      return true;
    });
    await setup('auto'); // falls back to tesseract.js
  } finally {
    process.env['PATH'] = saved;
    rmSync(empty, { recursive: true, force: true });
  }
});
