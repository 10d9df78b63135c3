/**
 * Writes a CoNLL file (the format src/nlp/ner/conll.ts reads) from inline-marked sentences, one per
 * line: `[[TYPE:text]]` or `[[TYPE@role:text]]` marks an entity; lines starting with `#` are copied.
 * Usage: node --import tsx scripts/ner-conll-markup.ts <in.txt> <out.conll>
 */
import { readFileSync, writeFileSync } from 'node:fs';

const MARK = /\[\[([A-Z_]+(?:@[\w-]+)?):(.+?)\]\](?!\])/g;
const TOKEN = /[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu;

function sentence(line: string): string[] {
  const text = line.replace(MARK, '$2');
  const rows = [`# text = ${text}`];
  const piece = (s: string, tag?: string) => {
    let first = true;
    for (const t of s.match(TOKEN) ?? []) {
      rows.push(`${t} ${tag ? `${first ? 'B' : 'I'}-${tag}` : 'O'}`);
      first = false;
    }
  };
  let at = 0;
  MARK.lastIndex = 0;
  for (let m = MARK.exec(line); m; m = MARK.exec(line)) {
    piece(line.slice(at, m.index));
    piece(m[2] ?? '', m[1]);
    at = m.index + m[0].length;
  }
  piece(line.slice(at));
  return rows;
}

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error('usage: node --import tsx scripts/ner-conll-markup.ts <in.txt> <out.conll>');
  process.exit(2);
}
const out: string[] = [];
for (const line of readFileSync(input, 'utf8').split(/\r?\n/)) {
  if (!line.trim()) continue;
  if (line.startsWith('#')) out.push(line, '');
  else out.push(...sentence(line), '');
}
writeFileSync(output, out.join('\n'));
