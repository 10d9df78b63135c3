/**
 * Defined terms of contracts: `Acme Holdings, Inc. ("Acme")`, `I-many, Inc., a Delaware corporation
 * (the "Company")`. A term that names a party (it shares words or initials with a preceding name, or
 * is a role such as "Company" or "Executive") becomes a mention of that party, and so does every
 * later use of the term.
 */
import { ROLE_TERMS } from './gazetteers.ts';
import { overlaps } from './merge.ts';
import type { Mention } from './types.ts';

const DEFINITION_RE =
  /\((?:the|this|hereinafter(?:\s+referred\s+to\s+as)?(?:\s+the)?|collectively,?\s+the|each\s+a)?\s*[“"]([A-Z][^”"\n]{0,60}?)[”"]\s*\)/g;
const WINDOW = 400;
/** Words a party sentence of a preamble contains. */
const PARTY_SENTENCE = /\b(?:between|among|by and between|BETWEEN|AMONG)\b|Dear\b|\bwith\b/;

export interface Definition {
  term: string;
  start: number;
  end: number;
  target: Mention;
}

function initials(name: string): string {
  return name
    .split(/[\s,.-]+/)
    .filter((w) => /^[A-Z]/.test(w) && !/^(?:Inc|Corp|Co|LLC|Ltd|LLP|LP|N|A|S)$/.test(w))
    .map((w) => w[0])
    .join('');
}

/** The term names the candidate: a word of it, its first words, or its initials. */
function termMatchesName(term: string, name: string): boolean {
  const t = term
    .toLowerCase()
    .replace(/[^a-z0-9 ]/g, '')
    .trim();
  if (!t) return false;
  const words = name
    .toLowerCase()
    .replace(/[^a-z0-9 ]/g, ' ')
    .split(/\s+/)
    .filter(Boolean);
  if (words.includes(t) || words.join(' ').startsWith(t + ' ') || words.join(' ') === t) return true;
  return t.length >= 2 && !t.includes(' ') && initials(name).toLowerCase() === t;
}

function isRoleTerm(term: string): boolean {
  return ROLE_TERMS.has(term.toLowerCase());
}

/** Finds the definitions in `text` and the party mention each one names. */
export function findDefinitions(text: string, mentions: readonly Mention[]): Definition[] {
  const out: Definition[] = [];
  const parties = mentions.filter((m) => (m.type === 'ORG' || m.type === 'PERSON') && m.method !== 'defined-term');
  let barrier = 0;
  DEFINITION_RE.lastIndex = 0;
  for (let m = DEFINITION_RE.exec(text); m; m = DEFINITION_RE.exec(text)) {
    const term = m[1] ?? '';
    const termStart = m.index + m[0].indexOf(term);
    const from = Math.max(barrier, m.index - WINDOW, text.lastIndexOf(')', m.index - 1) + 1, text.lastIndexOf(';', m.index - 1) + 1);
    barrier = m.index + m[0].length;
    const candidates = parties.filter((p) => p.start >= from && p.end <= m!.index);
    if (candidates.length === 0) continue;
    let target = candidates.filter((c) => termMatchesName(term, c.value)).at(-1);
    if (!target && isRoleTerm(term)) {
      const trusted = candidates.filter((c) => c.method !== 'compromise');
      target = trusted[0] ?? candidates[0];
    }
    if (!target) continue;
    out.push({ term, start: termStart, end: termStart + term.length, target });
  }
  return out;
}

/** Mentions for each definition and every later use of its term (the term's own type is its party's). */
export function definedTermMentions(text: string, definitions: readonly Definition[], existing: readonly Mention[]): Mention[] {
  const out: Mention[] = [];
  const seenTerms = new Map<string, Definition>();
  for (const d of definitions) {
    const first = !seenTerms.has(d.term);
    if (first) seenTerms.set(d.term, d);
    const role =
      PARTY_SENTENCE.test(text.slice(Math.max(0, d.target.start - WINDOW), d.target.start)) || isRoleTerm(d.term) ? 'party' : undefined;
    out.push({
      type: d.target.type,
      start: d.start,
      end: d.end,
      value: d.term,
      confidence: 0.9,
      method: 'defined-term',
      meta: { aliasOf: d.target.value, aliasOfStart: d.target.start, definition: true, ...(role ? { role } : {}) },
    });
  }
  for (const [term, d] of seenTerms) {
    const re = new RegExp(`(?<![\\w-])${term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-])`, 'g');
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const span = { start: m.index, end: m.index + term.length };
      if (span.start < d.start) continue;
      if (definitions.some((x) => x.start === span.start)) continue;
      if (existing.some((e) => e.method !== 'compromise' && e.method !== 'wink' && overlaps(e, span) && e.end - e.start > term.length))
        continue;
      out.push({
        type: d.target.type,
        start: span.start,
        end: span.end,
        value: term,
        confidence: 0.85,
        method: 'defined-term',
        meta: { aliasOf: d.target.value, aliasOfStart: d.target.start },
      });
    }
  }
  return out;
}
