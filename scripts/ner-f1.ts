/**
 * Entity-level precision / recall / F1 of the local NER path on a CoNLL-format labelled file.
 * Usage: node --import tsx scripts/ner-f1.ts <file.conll> [--errors]
 */
import { readFileSync } from 'node:fs';
import { evaluate, parseConll } from '../src/nlp/ner/conll.ts';
import { recogniseLocal } from '../src/nlp/ner/local.ts';

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--'));
if (!file) {
  console.error('usage: node --import tsx scripts/ner-f1.ts <file.conll> [--errors]');
  process.exit(2);
}
let source: string;
try {
  source = readFileSync(file, 'utf8');
} catch (err) {
  console.error(`cannot read ${file}: ${(err as Error).message}`);
  process.exit(2);
}
const sentences = parseConll(source);
const predicted = sentences.map((s) => recogniseLocal(s.text).map((m) => ({ type: m.type, start: m.start, end: m.end })));
const { overall, byType } = evaluate(
  sentences.map((s) => s.entities),
  predicted,
);

const pct = (x: number) => (100 * x).toFixed(1).padStart(6);
console.log(`${file}: ${sentences.length} sentences, ${sentences.reduce((n, s) => n + s.entities.length, 0)} gold entities`);
console.log(`${'type'.padEnd(12)} ${'P'.padStart(6)} ${'R'.padStart(6)} ${'F1'.padStart(6)}   tp  fp  fn`);
for (const [type, s] of byType)
  console.log(
    `${type.padEnd(12)} ${pct(s.precision)} ${pct(s.recall)} ${pct(s.f1)}  ${String(s.tp).padStart(3)} ${String(s.fp).padStart(3)} ${String(s.fn).padStart(3)}`,
  );
console.log(
  `${'ALL (micro)'.padEnd(12)} ${pct(overall.precision)} ${pct(overall.recall)} ${pct(overall.f1)}  ${String(overall.tp).padStart(3)} ${String(overall.fp).padStart(3)} ${String(overall.fn).padStart(3)}`,
);
console.log(`precision=${overall.precision.toFixed(3)} recall=${overall.recall.toFixed(3)} f1=${overall.f1.toFixed(3)}`);
if (args.includes('--errors')) {
  sentences.forEach((s, i) => {
    const key = (e: { type: string; start: number; end: number }) => `${e.type}:${e.start}:${e.end}`;
    const g = new Set(s.entities.map(key));
    const p = new Set((predicted[i] ?? []).map(key));
    for (const e of predicted[i] ?? []) if (!g.has(key(e))) console.log(`  FP ${e.type} "${s.text.slice(e.start, e.end)}"`);
    for (const e of s.entities) if (!p.has(key(e))) console.log(`  FN ${e.type} "${s.text.slice(e.start, e.end)}"`);
  });
}
