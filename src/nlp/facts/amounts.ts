/** Money amounts: value + ISO 4217 currency ("$1,250.50", "USD 5 million", "€ 300", "350 dollars"). */
import { collapse, type Amount } from './types.ts';

const SYMBOLS: Readonly<Record<string, string>> = {
  $: 'USD',
  US$: 'USD',
  USD: 'USD',
  'U.S.$': 'USD',
  '€': 'EUR',
  EUR: 'EUR',
  '£': 'GBP',
  GBP: 'GBP',
  CAD: 'CAD',
  C$: 'CAD',
  CHF: 'CHF',
  JPY: 'JPY',
  '¥': 'JPY',
};
const WORDS: Readonly<Record<string, string>> = { dollars: 'USD', dollar: 'USD', euros: 'EUR', euro: 'EUR', pounds: 'GBP' };
const SCALE: Readonly<Record<string, number>> = { thousand: 1e3, million: 1e6, billion: 1e9, k: 1e3, m: 1e6, mm: 1e6, bn: 1e9 };
const NUMBER = '(\\d{1,3}(?:,\\d{3})+|\\d+)(?:\\.(\\d{1,2}))?';
const PREFIXED = new RegExp(
  `(U\\.S\\.\\$|US\\$|C\\$|USD|EUR|GBP|CAD|CHF|JPY|[$€£¥])\\s?${NUMBER}(?:\\s?(thousand|million|billion|bn|mm)\\b)?`,
  'g',
);
const SUFFIXED = new RegExp(`\\b${NUMBER}(?:\\s(thousand|million|billion))?\\s(dollars|dollar|euros|euro|pounds|USD|EUR|GBP)\\b`, 'gi');

function value(int: string, frac: string | undefined, scale: string | undefined): number {
  const v = Number(int.replace(/,/g, '') + (frac ? `.${frac}` : ''));
  return scale ? v * (SCALE[scale.toLowerCase()] ?? 1) : v;
}

export function extractAmounts(text: string, limit = 200): Amount[] {
  const out: Amount[] = [];
  const taken: Array<[number, number]> = [];
  for (const m of text.matchAll(PREFIXED)) {
    const currency = SYMBOLS[m[1]!];
    if (!currency) continue;
    taken.push([m.index, m.index + m[0].length]);
    out.push({ value: value(m[2]!, m[3], m[4]), currency, text: collapse(m[0]), span: [m.index, m.index + m[0].length], source: 'rules' });
  }
  for (const m of text.matchAll(SUFFIXED)) {
    const s = m.index;
    const e = s + m[0].length;
    if (taken.some(([a, b]) => s < b && a < e)) continue;
    const currency = WORDS[m[4]!.toLowerCase()] ?? SYMBOLS[m[4]!.toUpperCase()];
    if (!currency) continue;
    out.push({ value: value(m[1]!, m[2], m[3]), currency, text: collapse(m[0]), span: [s, e], source: 'rules' });
  }
  return out.sort((a, b) => a.span![0] - b.span![0]).slice(0, limit);
}
