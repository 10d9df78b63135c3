/**
 * CoNLL labelled sentences (one `token … TAG` line per token, BIO tags, blank line between sentences,
 * optional `# text = …` line giving the exact sentence) and entity-level precision/recall/F1.
 * A tag may carry a party role after `@` (`B-PERSON@petitioner`); a `# split = dev|test` line marks
 * the split of the sentences that follow it.
 */
import { isEntityType, type EntityType } from './types.ts';

export interface GoldEntity {
  type: EntityType;
  start: number;
  end: number;
  /** Party role of a PERSON/ORG entity (`B-ORG@respondent`). */
  role?: string;
}

export interface LabelledSentence {
  text: string;
  entities: GoldEntity[];
  /** The `# split = …` in force for this sentence. */
  split?: string;
}

/** Joins tokens with single spaces, except before closing punctuation (used when there is no `# text =`). */
function detokenize(tokens: readonly string[]): string {
  let text = '';
  for (const t of tokens) text += text && !/^[,.;:)\]!?%]/.test(t) && !/[($[]$/.test(text) ? ` ${t}` : t;
  return text;
}

export function parseConll(source: string): LabelledSentence[] {
  const sentences: LabelledSentence[] = [];
  let given: string | undefined;
  let split: string | undefined;
  let rows: Array<{ token: string; tag: string }> = [];
  const flush = () => {
    if (rows.length === 0) {
      given = undefined;
      return;
    }
    const text = given ?? detokenize(rows.map((r) => r.token));
    const entities: GoldEntity[] = [];
    let at = 0;
    let open: GoldEntity | undefined;
    for (const { token, tag } of rows) {
      const start = text.indexOf(token, at);
      if (start < 0) throw new Error(`token "${token}" not found in sentence "${text}"`);
      at = start + token.length;
      const m = /^([BI])-([^@]+)(?:@([\w-]+))?$/.exec(tag);
      const type = m?.[2];
      const role = m?.[3];
      if (m && type && isEntityType(type) && (m[1] === 'B' || !open || open.type !== type || open.role !== role)) {
        if (open) entities.push(open);
        open = role ? { type, start, end: at, role } : { type, start, end: at };
      } else if (m && open) {
        open.end = at;
      } else {
        if (open) entities.push(open);
        open = undefined;
      }
    }
    if (open) entities.push(open);
    sentences.push(split ? { text, entities, split } : { text, entities });
    rows = [];
    given = undefined;
  };
  for (const raw of source.split(/\r?\n/)) {
    const line = raw.trimEnd();
    if (line.startsWith('# text = ')) {
      given = line.slice('# text = '.length);
      continue;
    }
    const splitLine = /^# split = (\S+)$/.exec(line);
    if (splitLine) {
      split = splitLine[1];
      continue;
    }
    if (line.startsWith('#') || line.startsWith('-DOCSTART-')) continue;
    if (!line.trim()) {
      flush();
      continue;
    }
    const cols = line.split(/\s+/);
    rows.push({ token: cols[0] ?? '', tag: cols.at(-1) ?? 'O' });
  }
  flush();
  return sentences;
}

export interface Scores {
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  f1: number;
}

function scores(tp: number, fp: number, fn: number): Scores {
  const precision = tp + fp ? tp / (tp + fp) : 0;
  const recall = tp + fn ? tp / (tp + fn) : 0;
  return { tp, fp, fn, precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0 };
}

/** Exact-match entity scores (same start, end and type), overall (micro) and per type. */
export function evaluate(
  gold: readonly GoldEntity[][],
  predicted: readonly GoldEntity[][],
): { overall: Scores; byType: Map<string, Scores> } {
  const counts = new Map<string, { tp: number; fp: number; fn: number }>();
  const bump = (type: string, k: 'tp' | 'fp' | 'fn') => {
    const c = counts.get(type) ?? { tp: 0, fp: 0, fn: 0 };
    c[k]++;
    counts.set(type, c);
  };
  gold.forEach((g, i) => {
    const p = predicted[i] ?? [];
    const key = (e: GoldEntity) => `${e.type}:${e.start}:${e.end}`;
    const gk = new Set(g.map(key));
    const pk = new Set(p.map(key));
    for (const e of p) bump(e.type, gk.has(key(e)) ? 'tp' : 'fp');
    for (const e of g) if (!pk.has(key(e))) bump(e.type, 'fn');
  });
  let tp = 0;
  let fp = 0;
  let fn = 0;
  const byType = new Map<string, Scores>();
  for (const [type, c] of [...counts].sort(([a], [b]) => a.localeCompare(b))) {
    tp += c.tp;
    fp += c.fp;
    fn += c.fn;
    byType.set(type, scores(c.tp, c.fp, c.fn));
  }
  return { overall: scores(tp, fp, fn), byType };
}
