/** Overlap resolution: one mention per span, the most trusted recogniser first, then the longest span. */
import type { Mention, MentionMethod } from './types.ts';

const RANK: Record<MentionMethod, number> = {
  'case-name': 6,
  'defined-term': 5,
  rules: 4,
  gazetteer: 4,
  llm: 3,
  model: 2.5,
  wink: 2,
  compromise: 1,
};

export function overlaps(a: { start: number; end: number }, b: { start: number; end: number }): boolean {
  return a.start < b.end && b.start < a.end;
}

/** Keeps a set of non-overlapping mentions, sorted by position. */
export function resolveOverlaps(mentions: readonly Mention[]): Mention[] {
  const ranked = [...mentions].sort(
    (a, b) => RANK[b.method] - RANK[a.method] || (b.end - b.start) - (a.end - a.start) || a.start - b.start || a.type.localeCompare(b.type),
  );
  const kept: Mention[] = [];
  for (const m of ranked) {
    if (!kept.some((k) => overlaps(k, m))) kept.push(m);
  }
  return kept.sort((a, b) => a.start - b.start || a.end - b.end);
}
