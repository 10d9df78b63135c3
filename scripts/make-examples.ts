/**
 * Writes the example documents the README's demo processes (`npm run examples`):
 * examples/documents/ gets a contract (.txt), a letter (.docx), a court order (text-layer .pdf)
 * and a court e-mail (.eml), all written by docpipe itself and byte-for-byte reproducible.
 *
 *   node --import tsx scripts/make-examples.ts [--out <dir>]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildExamples } from './examples/documents.ts';

export { buildExamples } from './examples/documents.ts';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const EXAMPLES_DIR = path.join(REPO_ROOT, 'examples/documents');

export function writeExamples(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  return buildExamples().map(({ name, data }) => {
    const file = path.join(dir, name);
    writeFileSync(file, data);
    return file;
  });
}

function main(argv: string[]): void {
  const i = argv.indexOf('--out');
  const dir = i >= 0 && argv[i + 1] ? path.resolve(argv[i + 1]!) : EXAMPLES_DIR;
  for (const file of writeExamples(dir)) console.log(`wrote ${path.relative(process.cwd(), file) || file}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) main(process.argv.slice(2));
