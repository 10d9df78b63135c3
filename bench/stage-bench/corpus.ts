import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface CorpusFile {
  path: string;
  abs: string;
  kind: string;
  pages: number;
}

/** The shared corpus (never copied into the repo): ../shared/corpus relative to the repo root. */
export function corpusDir(repoRoot: string): string {
  return path.resolve(repoRoot, '../shared/corpus');
}

export function corpusFiles(repoRoot: string): CorpusFile[] {
  const dir = corpusDir(repoRoot);
  const lines = readFileSync(path.join(dir, 'MANIFEST.tsv'), 'utf8').trim().split('\n').slice(1);
  return lines.map((l) => {
    const c = l.split('\t');
    return { path: c[0]!, abs: path.join(dir, c[0]!), kind: c[3]!, pages: Number(c[8] || 0) };
  });
}
