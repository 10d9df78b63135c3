import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import type { CorpusFile } from './corpus.ts';
import type { StageBenchResult } from './types.ts';

const run = promisify(execFile);

type ExtractorModule = typeof import('../../src/providers/extract/index.ts');

export async function loadExtractor(): Promise<ExtractorModule | string> {
  try {
    const mod = await import('../../src/providers/extract/index.ts');
    if (typeof mod.Extractor !== 'function') return 'src/providers/extract has no Extractor class';
    return mod;
  } catch (err) {
    return `src/providers/extract cannot be loaded: ${(err as Error).message}`;
  }
}

export function extractorFor(mod: ExtractorModule, workers: number): InstanceType<ExtractorModule['Extractor']> {
  return new mod.Extractor({ provider: 'local', workers, region: 'us-east-1', max_pages: 2000 });
}

export function deps(mod: ExtractorModule): Parameters<InstanceType<ExtractorModule['Extractor']>['extract']>[1] {
  return { transcriber: undefined, limits: { ...mod.DEFAULT_LIMITS, maxPages: 2000 }, heartbeat: async () => {} };
}

/** Pages/s of the project's PDF text-layer extraction against pdftotext on the same files. */
export async function benchExtraction(files: CorpusFile[], rounds: number): Promise<StageBenchResult> {
  const name = 'PDF text extraction (text-layer PDFs)';
  const mod = await loadExtractor();
  if (typeof mod === 'string') return { name, value: NaN, unit: 'pages/s', skipped: mod };
  const pdfs = files.filter((f) => f.kind === 'pdf-text');
  const bytes = pdfs.map((f) => readFileSync(f.abs));
  const pages = pdfs.reduce((n, f) => n + f.pages, 0);
  const extractor = extractorFor(mod, 1);
  try {
    // one untimed pass: pdf.js and the module graph warm up
    for (let i = 0; i < pdfs.length; i++)
      await extractor.extract({ bytes: bytes[i]!, name: pdfs[i]!.path, type: '.pdf', key: `warm-${i}` }, deps(mod));
    const t0 = performance.now();
    let extracted = 0;
    for (let r = 0; r < rounds; r++) {
      for (let i = 0; i < pdfs.length; i++) {
        const res = await extractor.extract({ bytes: bytes[i]!, name: pdfs[i]!.path, type: '.pdf', key: `r${r}-${i}` }, deps(mod));
        extracted += res.pageCount;
      }
    }
    const ours = extracted / ((performance.now() - t0) / 1000);
    let peer: number | undefined;
    let notes = `${pdfs.length} files, ${pages} pages, ${rounds} rounds after one warm-up`;
    try {
      const t1 = performance.now();
      for (let r = 0; r < rounds; r++) for (const f of pdfs) await run('pdftotext', ['-layout', f.abs, '-'], { maxBuffer: 64 * 2 ** 20 });
      peer = (pages * rounds) / ((performance.now() - t1) / 1000);
      notes += '; pdftotext -layout, one process per file (its start-up included, as a pipeline would run it)';
    } catch (err) {
      notes += `; pdftotext not available (${(err as Error).message.split('\n')[0]})`;
    }
    return { name, value: ours, unit: 'pages/s', peerName: 'pdftotext', peerValue: peer, notes };
  } finally {
    await extractor.close();
  }
}
