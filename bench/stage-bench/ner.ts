import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { CorpusFile } from './corpus.ts';
import type { StageBenchResult } from './types.ts';

/** Words/s of the local NER (legal rules + trained model + wink-nlp) over the contracts, chunked as the pipeline chunks them. */
export async function benchNer(files: CorpusFile[], maxSeconds: number): Promise<StageBenchResult> {
  const name = 'local NER (txt contracts)';
  let ner: typeof import('../../src/nlp/ner/document.ts');
  let chunk: typeof import('../../src/nlp/chunk/index.ts');
  try {
    ner = await import('../../src/nlp/ner/document.ts');
    chunk = await import('../../src/nlp/chunk/index.ts');
  } catch (err) {
    return { name, value: NaN, unit: 'words/s', skipped: `src/nlp/ner cannot be loaded: ${(err as Error).message}` };
  }
  const texts = files.filter((f) => f.kind === 'txt-contract').map((f) => readFileSync(f.abs, 'utf8'));
  const chunked = texts.map((text) =>
    chunk
      .chunkText(text)
      .map((s, i) => ({ id: i, chunk_uuid: String(i), chunk_index: i, text: text.slice(s.start, s.end), char_start: s.start })),
  );
  ner.recogniseDocument(chunked[0]!); // warm-up (models, JIT)
  let words = 0;
  let mentions = 0;
  let done = 0;
  const t0 = performance.now();
  for (let i = 0; i < texts.length; i++) {
    mentions += ner.recogniseDocument(chunked[i]!).length;
    words += texts[i]!.split(/\s+/).filter(Boolean).length;
    done++;
    if (performance.now() - t0 > maxSeconds * 1000) break;
  }
  const seconds = (performance.now() - t0) / 1000;
  return {
    name,
    value: words / seconds,
    unit: 'words/s',
    notes: `${done} of ${texts.length} contracts, ${words} words, ${mentions} mentions`,
  };
}
