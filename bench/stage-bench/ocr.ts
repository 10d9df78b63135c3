/**
 * OCR through docpipe with each local engine (native tesseract, tesseract.js) against the native
 * tesseract CLI run directly (pdftoppm at 300 dpi, then `tesseract`), on the same scanned pages in
 * the same run: pages/s per core and character accuracy (1 - edit distance / length, whitespace
 * collapsed) on pages whose true text is known. Per core = pages per CPU-second of this process
 * (its threads) and its children (tesseract, pdftoppm): on a shared machine, wall time says more
 * about the neighbours than about the engines.
 */
import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { editDistance, normaliseWhitespace } from '../../test/helpers/editdistance.ts';
import type { CorpusFile } from './corpus.ts';
import { deps, loadExtractor } from './extract.ts';
import { generatedScan } from '../../test/helpers/scans.ts';
import type { StageBenchResult } from './types.ts';

const run = promisify(execFile);

/** CPU seconds used so far by this process and its finished children (Linux /proc; elsewhere wall time × cores). */
function cpuSeconds(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields 14-17 (utime, stime, cutime, cstime) are 11-14 here, in clock ticks (100 per second on Linux)
    return [11, 12, 13, 14].reduce((s, i) => s + Number(f[i]), 0) / 100;
  } catch {
    return (performance.now() / 1000) * os.availableParallelism();
  }
}

function measured(pages: number, wall0: number, cpu0: number): { pagesPerSecondPerCore: number; pagesPerSecond: number } {
  return { pagesPerSecondPerCore: pages / (cpuSeconds() - cpu0), pagesPerSecond: pages / ((performance.now() - wall0) / 1000) };
}

interface ScanDoc {
  name: string;
  bytes: Buffer;
  pages: number;
  /** True text by page number (1-based), where known. */
  truth: Map<number, string>;
}

interface EngineRun {
  pagesPerSecondPerCore: number;
  /** Pages per wall-clock second, all cores. */
  pagesPerSecond: number;
  /** Characters right / characters, over the pages with a known text. */
  accuracy: number;
  pages: number;
}

/** The corpus scans (image-pdf.pdf page 1 is a scan of vector-pdf.pdf page 1: its text layer is the truth) and a generated 3-page scan. */
async function scanDocs(repoRoot: string, files: CorpusFile[]): Promise<ScanDoc[]> {
  const docs: ScanDoc[] = files
    .filter((f) => f.kind === 'pdf-scanned')
    .map((f) => ({ name: f.path, bytes: readFileSync(f.abs), pages: f.pages || 1, truth: new Map() }));
  const vector = files.find((f) => f.path.endsWith('vector-pdf.pdf'));
  const scanned = docs.find((d) => d.name.endsWith('/image-pdf.pdf'));
  if (vector && scanned) {
    const { stdout } = await run('pdftotext', ['-f', '1', '-l', '1', vector.abs, '-'], { maxBuffer: 16 * 2 ** 20 }).catch(() => ({
      stdout: '',
    }));
    if (stdout.trim()) scanned.truth.set(1, stdout);
  }
  const generated = await generatedScan(repoRoot, 3);
  docs.push({
    name: generated.name,
    bytes: generated.pdf,
    pages: generated.pages.length,
    truth: new Map(generated.pages.map((t, i) => [i + 1, t])),
  });
  return docs;
}

function accuracyOf(texts: Map<string, Map<number, string>>, docs: readonly ScanDoc[]): number {
  let errors = 0;
  let length = 0;
  for (const d of docs) {
    for (const [page, truth] of d.truth) {
      const t = normaliseWhitespace(truth);
      errors += Math.min(t.length, editDistance(normaliseWhitespace(texts.get(d.name)?.get(page) ?? ''), t));
      length += t.length;
    }
  }
  return length ? 1 - errors / length : NaN;
}

async function throughDocpipe(engine: 'native' | 'tesseract.js', docs: readonly ScanDoc[], cores: number): Promise<EngineRun | string> {
  const mod = await loadExtractor();
  if (typeof mod === 'string') return mod;
  const extractor = new mod.Extractor({ provider: 'local', engine, workers: cores, region: 'us-east-1', max_pages: 2000 });
  try {
    // warm-up: start every thread (the PDF with the most pages keeps them all busy) or check the
    // binary, load the language data
    const warm = [...docs].sort((a, b) => b.pages - a.pages)[0]!;
    await extractor.extract({ bytes: warm.bytes, name: warm.name, type: '.pdf', key: `warm-${engine}` }, deps(mod));
    const t0 = performance.now();
    const c0 = cpuSeconds();
    const results = await Promise.all(
      docs.map((d, i) => extractor.extract({ bytes: d.bytes, name: d.name, type: '.pdf', key: `ocr-${engine}-${i}` }, deps(mod))),
    );
    const pages = results.reduce((n, r) => n + r.pages.filter((p) => p.method === 'ocr').length, 0);
    const speed = measured(pages, t0, c0);
    const texts = new Map(
      docs.map((d, i) => [d.name, new Map(results[i]!.pages.map((p) => [p.page, results[i]!.text.slice(p.start, p.end)]))]),
    );
    return { ...speed, accuracy: accuracyOf(texts, docs), pages };
  } catch (err) {
    return `${engine}: ${(err as Error).message}`;
  } finally {
    await extractor.close();
  }
}

/** pdftoppm page | tesseract stdin stdout, `cores` pages at once, OMP_THREAD_LIMIT=1 as docpipe runs it. */
function cliPage(file: Buffer, page: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const raster = spawn('pdftoppm', ['-r', '300', '-gray', '-f', String(page), '-l', String(page), '-'], {
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    const ocr = spawn('tesseract', ['stdin', 'stdout', '--dpi', '300'], {
      stdio: ['pipe', 'pipe', 'ignore'],
      env: { ...process.env, OMP_THREAD_LIMIT: '1' },
    });
    raster.stdout.pipe(ocr.stdin);
    raster.stdin.end(file);
    raster.on('error', reject);
    ocr.on('error', reject);
    const out: Buffer[] = [];
    ocr.stdout.on('data', (b: Buffer) => out.push(b));
    ocr.on('close', (code) => (code === 0 ? resolve(Buffer.concat(out).toString('utf8')) : reject(new Error(`tesseract exited ${code}`))));
  });
}

async function throughCli(docs: readonly ScanDoc[], cores: number): Promise<EngineRun | string> {
  const jobs = docs.flatMap((d) => Array.from({ length: d.pages }, (_, i) => ({ d, page: i + 1 })));
  const texts = new Map(docs.map((d) => [d.name, new Map<number, string>()]));
  try {
    const t0 = performance.now();
    const c0 = cpuSeconds();
    let next = 0;
    const lane = async () => {
      for (let job = jobs[next++]; job; job = jobs[next++]) texts.get(job.d.name)!.set(job.page, await cliPage(job.d.bytes, job.page));
    };
    await Promise.all(Array.from({ length: cores }, lane));
    return { ...measured(jobs.length, t0, c0), accuracy: accuracyOf(texts, docs), pages: jobs.length };
  } catch (err) {
    return `tesseract CLI: ${(err as Error).message}`;
  }
}

const REPS = 3;

/** The run with the median pages per CPU-second (a failed run's message when any failed). */
function medianRun(runs: readonly (EngineRun | string)[]): EngineRun | string {
  const failed = runs.find((r): r is string => typeof r === 'string');
  if (failed !== undefined) return failed;
  const sorted = [...(runs as EngineRun[])].sort((a, b) => a.pagesPerSecondPerCore - b.pagesPerSecondPerCore);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const pct = (x: number) => Math.round(x * 10000) / 100;

/** The OCR rows: speed per core and accuracy for each engine through docpipe, the CLI as the peer. */
export async function benchOcr(repoRoot: string, files: CorpusFile[]): Promise<StageBenchResult[]> {
  const cores = os.availableParallelism();
  const docs = await scanDocs(repoRoot, files);
  const truthPages = docs.reduce((n, d) => n + d.truth.size, 0);
  // REPS alternating repetitions (the order rotates), the median run of each by pages per CPU-second:
  // one run of 7 pages is at the mercy of the machine's neighbours
  const runs: Record<'cli' | 'native' | 'js', (EngineRun | string)[]> = { cli: [], native: [], js: [] };
  const order = ['cli', 'native', 'js'] as const;
  for (let rep = 0; rep < REPS; rep++) {
    for (let k = 0; k < order.length; k++) {
      const which = order[(k + rep) % order.length]!;
      const r =
        which === 'cli' ? await throughCli(docs, cores) : await throughDocpipe(which === 'native' ? 'native' : 'tesseract.js', docs, cores);
      runs[which].push(r);
    }
  }
  const cli = medianRun(runs.cli);
  const native = medianRun(runs.native);
  const js = medianRun(runs.js);
  const peer = typeof cli === 'string' ? undefined : cli;
  const perRep = (mine: (EngineRun | string)[]) =>
    mine
      .map((r, i) => {
        const c = runs.cli[i];
        return typeof r === 'string' || typeof c === 'string' || !c ? '-' : (r.pagesPerSecondPerCore / c.pagesPerSecondPerCore).toFixed(2);
      })
      .join(' / ');
  const where = `${docs.length} scanned PDFs (3 from the corpus, 1 generated), ${cores} pages at once on ${cores} cores; median of ${REPS} alternating repetitions; accuracy on the ${truthPages} pages whose text is known`;
  const rows: StageBenchResult[] = [];
  for (const [label, r] of [
    ['native tesseract', native],
    ['tesseract.js', js],
  ] as const) {
    const name = `OCR through docpipe, ${label}`;
    if (typeof r === 'string') {
      rows.push(
        { name: `${name}, pages/s per core`, value: NaN, unit: 'pages/s', skipped: r },
        { name: `${name}, character accuracy`, value: NaN, unit: '%', skipped: r },
      );
      continue;
    }
    rows.push({
      name: `${name}, pages/s per core`,
      value: r.pagesPerSecondPerCore,
      unit: 'pages/s',
      digits: 3,
      peerName: 'tesseract CLI',
      peerValue: peer?.pagesPerSecondPerCore,
      notes: `${r.pages} OCR pages (pages per CPU-second; wall: ${r.pagesPerSecond.toFixed(2)} pages/s${peer ? ` vs ${peer.pagesPerSecond.toFixed(2)}` : ''} on all cores); ratio in each repetition ${perRep(label === 'native tesseract' ? runs.native : runs.js)}; ${where}; peer: pdftoppm -r 300 -gray | tesseract per page${peer ? '' : ` (not run: ${String(cli)})`}`,
    });
    rows.push({
      name: `${name}, character accuracy`,
      value: pct(r.accuracy),
      unit: '%',
      digits: 2,
      peerName: 'tesseract CLI',
      peerValue: peer ? pct(peer.accuracy) : undefined,
      notes: "truth: the generated scan's text; image-pdf.pdf page 1 against pdftotext of vector-pdf.pdf page 1",
    });
  }
  return rows;
}
