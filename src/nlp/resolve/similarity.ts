/** String similarity used to score two names of one type: Jaro-Winkler, token sets, acronyms, initials. */
import { LEGAL_FORM_TOKENS } from './normalize.ts';

function jaro(a: string, b: string): number {
  if (a === b) return a.length ? 1 : 0;
  if (!a.length || !b.length) return 0;
  const window = Math.max(0, Math.floor(Math.max(a.length, b.length) / 2) - 1);
  const aHit = new Array<boolean>(a.length).fill(false);
  const bHit = new Array<boolean>(b.length).fill(false);
  let matches = 0;
  for (let i = 0; i < a.length; i++) {
    for (let j = Math.max(0, i - window); j < Math.min(b.length, i + window + 1); j++) {
      if (bHit[j] || a[i] !== b[j]) continue;
      aHit[i] = bHit[j] = true;
      matches++;
      break;
    }
  }
  if (!matches) return 0;
  let t = 0;
  let k = 0;
  for (let i = 0; i < a.length; i++) {
    if (!aHit[i]) continue;
    while (!bHit[k]) k++;
    if (a[i] !== b[k]) t++;
    k++;
  }
  return (matches / a.length + matches / b.length + (matches - t / 2) / matches) / 3;
}

export function jaroWinkler(a: string, b: string, prefixScale = 0.1): number {
  const j = jaro(a, b);
  let l = 0;
  while (l < 4 && l < a.length && l < b.length && a[l] === b[l]) l++;
  return j + l * prefixScale * (1 - j);
}

const FILLER = new Set(['of', 'and', 'the', '&', 'for', 'de', 'a']);

export function tokens(normalized: string): string[] {
  return normalized.split(' ').filter(Boolean);
}

/** Tokens of a name without legal forms ("acme holdings inc" → acme, holdings). */
export function coreTokens(normalized: string): string[] {
  const t = tokens(normalized).filter((x) => !LEGAL_FORM_TOKENS.has(x));
  return t.length ? t : tokens(normalized);
}

export function legalForms(normalized: string): string[] {
  return tokens(normalized)
    .filter((x) => LEGAL_FORM_TOKENS.has(x))
    .sort();
}

/** Jaccard similarity of the two token sets. */
export function tokenSetRatio(a: readonly string[], b: readonly string[]): number {
  const A = new Set(a);
  const B = new Set(b);
  const inter = [...A].filter((x) => B.has(x)).length;
  const union = new Set([...A, ...B]).size;
  return union ? inter / union : 0;
}

/** `short` is the initials of `long` ("ups" / united parcel service). */
export function isAcronym(short: readonly string[], long: readonly string[]): boolean {
  if (short.length !== 1 || long.length < 2) return false;
  const s = short[0] ?? '';
  if (s.length < 2 || !/^[a-z]+$/.test(s) || LEGAL_FORM_TOKENS.has(s)) return false;
  const initials = long
    .filter((w) => !FILLER.has(w))
    .map((w) => w[0])
    .join('');
  const all = long.map((w) => w[0]).join('');
  return s === initials || s === all;
}

/** `short` is the first words of `long` ("acme" / acme holdings). */
export function isLeadingWords(short: readonly string[], long: readonly string[]): boolean {
  if (short.length === 0 || short.length >= long.length || (short[0] ?? '').length < 3) return false;
  return short.every((w, i) => long[i] === w);
}

/**
 * Two person names agree: same surname, and every given name of the shorter matches, in order, a
 * given name of the longer (equal or its initial). `surnameOnly` when one is just the surname.
 */
export function personMatch(a: readonly string[], b: readonly string[]): 'same' | 'initials' | 'surname' | 'no' {
  if (a.join(' ') === b.join(' ')) return 'same';
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  if (short.at(-1) !== long.at(-1)) return 'no';
  if (short.length === 1) return 'surname';
  const given = long.slice(0, -1);
  let j = 0;
  for (const g of short.slice(0, -1)) {
    while (
      j < given.length &&
      !(given[j] === g || (g.length === 1 && given[j]?.[0] === g) || (given[j]?.length === 1 && g[0] === given[j]))
    )
      j++;
    if (j >= given.length) return 'no';
    j++;
  }
  // the first given names must agree ("john smith" vs "jane smith" never merge)
  const f1 = short[0] ?? '';
  const f2 = long[0] ?? '';
  if (!(f1 === f2 || (f1.length === 1 && f2[0] === f1) || (f2.length === 1 && f1[0] === f2))) return 'no';
  return 'initials';
}
