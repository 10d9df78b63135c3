/**
 * Legal NER evaluation on the hand-written common-law set (test/fixtures/ner/legal-commonlaw.conll):
 * F1 "found in any role" (the span is found, whatever its type) and "typed by role" (span and label,
 * where a party's label is its role, e.g. `petitioner`, and every other entity's label is its type),
 * overall and per label, for the dev half, the held-out test half, or both.
 * Usage: node --import tsx bench/stage-bench/ner-legal-eval.ts [dev|test|all] [--errors]
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { evaluate, parseConll, type GoldEntity, type LabelledSentence, type Scores } from '../../src/nlp/ner/conll.ts';
import type { EntityType, Mention } from '../../src/nlp/ner/types.ts';

export const LEGAL_SET = fileURLToPath(new URL('../../test/fixtures/ner/legal-commonlaw.conll', import.meta.url));

export interface LegalScores {
  sentences: number;
  entities: number;
  anyRole: Scores;
  typed: Scores;
  byLabel: Map<string, Scores>;
  errors: string[];
}

/** The label an entity is scored under in "typed by role": its party role, else its type. */
function label(type: string, role: string | undefined): string {
  return (type === 'PERSON' || type === 'ORG') && role ? role : type;
}

const asLabelled = (
  es: Array<{ type: string; start: number; end: number; role?: string }>,
  f: (e: { type: string; role?: string }) => string,
): GoldEntity[] => es.map((e) => ({ type: f(e) as EntityType, start: e.start, end: e.end }));

export function evaluateLegal(
  recognise: (text: string) => Mention[],
  split: 'dev' | 'test' | 'all' = 'all',
  file = LEGAL_SET,
): LegalScores {
  const sentences: LabelledSentence[] = parseConll(readFileSync(file, 'utf8')).filter((s) => split === 'all' || s.split === split);
  const predicted = sentences.map((s) =>
    recognise(s.text).map((m) => ({ type: m.type as string, start: m.start, end: m.end, role: m.meta?.role })),
  );
  const gold = sentences.map((s) => s.entities);
  const anyRole = evaluate(
    gold.map((g) => asLabelled(g, () => 'ANY')),
    predicted.map((p) => asLabelled(p, () => 'ANY')),
  ).overall;
  const byRole = (e: { type: string; role?: string }) => label(e.type, e.role);
  const typed = evaluate(
    gold.map((g) => asLabelled(g, byRole)),
    predicted.map((p) => asLabelled(p, byRole)),
  );
  const errors: string[] = [];
  sentences.forEach((s, i) => {
    const key = (e: { type: string; start: number; end: number; role?: string }) => `${byRole(e)}:${e.start}:${e.end}`;
    const g = new Set(gold[i]!.map(key));
    const p = new Set(predicted[i]!.map(key));
    for (const e of predicted[i]!)
      if (!g.has(key(e))) errors.push(`FP ${byRole(e)} "${s.text.slice(e.start, e.end)}"  | ${s.text.slice(0, 60)}`);
    for (const e of gold[i]!)
      if (!p.has(key(e))) errors.push(`FN ${byRole(e)} "${s.text.slice(e.start, e.end)}"  | ${s.text.slice(0, 60)}`);
  });
  return {
    sentences: sentences.length,
    entities: gold.reduce((n, g) => n + g.length, 0),
    anyRole,
    typed: typed.overall,
    byLabel: typed.byType,
    errors,
  };
}

export function formatLegal(name: string, r: LegalScores): string {
  const pct = (x: number) => (100 * x).toFixed(1).padStart(6);
  const row = (k: string, s: Scores) =>
    `${k.padEnd(14)} ${pct(s.precision)} ${pct(s.recall)} ${pct(s.f1)}  ${String(s.tp).padStart(3)} ${String(s.fp).padStart(3)} ${String(s.fn).padStart(3)}`;
  return [
    `${name}: ${r.sentences} sentences, ${r.entities} entities`,
    `${'label'.padEnd(14)} ${'P'.padStart(6)} ${'R'.padStart(6)} ${'F1'.padStart(6)}   tp  fp  fn`,
    ...[...r.byLabel].map(([k, s]) => row(k, s)),
    row('found (any)', r.anyRole),
    row('typed by role', r.typed),
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { recogniseLocal } = await import('../../src/nlp/ner/local.ts');
  const split = (process.argv.find((a) => a === 'dev' || a === 'test' || a === 'all') ?? 'dev') as 'dev' | 'test' | 'all';
  const r = evaluateLegal(recogniseLocal, split);
  console.log(formatLegal(`legal common-law (${split})`, r));
  if (process.argv.includes('--errors')) console.log(r.errors.join('\n'));
}
