import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { CorpusFile } from './corpus.ts';
import { deps, extractorFor, loadExtractor } from './extract.ts';
import type { StageBenchResult } from './types.ts';

/** OCR pages/s of the scanned PDFs with `workers` tesseract/render threads (thread start-up untimed). */
export async function benchOcr(files: CorpusFile[], workers: number): Promise<StageBenchResult> {
  const name = `OCR, ${workers} worker${workers > 1 ? 's' : ''} (scanned PDFs)`;
  const mod = await loadExtractor();
  if (typeof mod === 'string') return { name, value: NaN, unit: 'pages/s', skipped: mod };
  const scans = files.filter((f) => f.kind === 'pdf-scanned');
  const bytes = scans.map((f) => readFileSync(f.abs));
  const extractor = extractorFor(mod, workers);
  try {
    // warm-up: start the threads and load the language data on a single page
    await extractor.extract({ bytes: bytes[0]!, name: scans[0]!.path, type: '.pdf', key: 'warm' }, deps(mod));
    const t0 = performance.now();
    const results = await Promise.all(scans.map((f, i) => extractor.extract({ bytes: bytes[i]!, name: f.path, type: '.pdf', key: `ocr-${i}` }, deps(mod))));
    const seconds = (performance.now() - t0) / 1000;
    const ocrPages = results.reduce((n, r) => n + r.pages.filter((p) => p.method === 'ocr').length, 0);
    if (ocrPages === 0) return { name, value: NaN, unit: 'pages/s', skipped: 'no page was routed to OCR' };
    return { name, value: ocrPages / seconds, unit: 'pages/s', digits: 2, notes: `${ocrPages} OCR pages in ${scans.length} files, all submitted at once` };
  } finally {
    await extractor.close();
  }
}

/** The 2-worker figure with the 1-worker one as its peer (the scaling ratio). */
export function ocrScaling(one: StageBenchResult, two: StageBenchResult): StageBenchResult {
  if (one.skipped || two.skipped) return two;
  return { ...two, peerName: '1 worker', peerValue: one.value };
}
