import type { BenchSettings } from '../lib/env.ts';
import { startRedis } from '../lib/redis-server.ts';
import { corpusFiles } from './corpus.ts';
import { benchPipeline } from './e2e.ts';
import { benchExtraction } from './extract.ts';
import { benchNer } from './ner.ts';
import { benchOcr } from './ocr.ts';
import type { StageBenchResult } from './types.ts';

const log = (r: StageBenchResult) =>
  process.stderr.write(
    `${new Date().toISOString().slice(11, 19)} ${r.name}: ${r.skipped ? `skipped (${r.skipped})` : `${r.value.toFixed(2)} ${r.unit}${r.peerValue !== undefined ? ` vs ${r.peerValue.toFixed(2)} (${r.peerName})` : ''}`}\n`,
  );

/** Stage benchmarks on ../shared/corpus, each skipped with a reason when its module or service is missing. */
export async function runStageBenchmarks(repoRoot: string, s: BenchSettings): Promise<StageBenchResult[]> {
  let files;
  try {
    files = corpusFiles(repoRoot);
  } catch (err) {
    return [{ name: 'stage benchmarks', value: NaN, unit: '', skipped: `../shared/corpus unreadable: ${(err as Error).message}` }];
  }
  const results: StageBenchResult[] = [];
  const add = (r: StageBenchResult) => (log(r), results.push(r));
  add(await benchExtraction(files, 3));
  for (const r of await benchOcr(repoRoot, files)) add(r);
  add(await benchNer(files, 15));
  const server = await startRedis();
  try {
    add(
      await benchPipeline(
        repoRoot,
        server.url,
        process.env['BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test',
        files,
        s.stageDocs,
      ),
    );
  } finally {
    await server.stop();
  }
  return results;
}
