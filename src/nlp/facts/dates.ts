/** Dates (ISO) with what they are when the text says so: filed, entered, signed, effective, decided… */
import { collapse, type DateFact } from './types.ts';

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH =
  '(January|February|March|April|May|June|July|August|September|October|November|December|Jan\\.?|Feb\\.?|Mar\\.?|Apr\\.?|Jun\\.?|Jul\\.?|Aug\\.?|Sept?\\.?|Oct\\.?|Nov\\.?|Dec\\.?)';
const PATTERNS: ReadonlyArray<[RegExp, (m: RegExpExecArray) => [number, number, number] | null]> = [
  [new RegExp(`\\b${MONTH}\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(\\d{4})\\b`, 'g'), (m) => [Number(m[3]), monthOf(m[1]!), Number(m[2])]],
  [
    new RegExp(`\\b(\\d{1,2})(?:st|nd|rd|th)?\\s+(?:day\\s+of\\s+)?${MONTH},?\\s+(\\d{4})\\b`, 'g'),
    (m) => [Number(m[3]), monthOf(m[2]!), Number(m[1])],
  ],
  [/\b(\d{1,2})\/(\d{1,2})\/(\d{4}|\d{2})\b/g, (m) => [year(m[3]!), Number(m[1]), Number(m[2])]],
  [/\b(\d{4})-(\d{2})-(\d{2})(?:T[\d:.]+Z?)?\b/g, (m) => [Number(m[1]), Number(m[2]), Number(m[3])]],
];
const WHAT: ReadonlyArray<[RegExp, string]> = [
  [/\b(?:date\s+filed|filed(?:\s+on)?|file\s+date)\s*:?\s*$/i, 'filed'],
  [/\bentered(?:\s+on)?\s*:?\s*$/i, 'entered'],
  [/\b(?:effective(?:\s+date)?|effective\s+as\s+of|as\s+of)\s*:?\s*$/i, 'effective'],
  [/\b(?:signed|executed)(?:\s+on)?\s*:?\s*$/i, 'signed'],
  [/\bdecided\s*:?\s*$/i, 'decided'],
  [/\bargued\s*:?\s*$/i, 'argued'],
  [/\bsubmitted\s*:?\s*$/i, 'submitted'],
  [/\b(?:hearing|held)(?:\s+\w+){0,3}\s+on\s*$/i, 'hearing'],
  [/\bdated\s*:?\s*$/i, 'dated'],
  [/^Date:\s*$/m, 'sent'],
  [/\bDate\s*:\s*$/i, 'dated'],
];

function monthOf(name: string): number {
  return MONTHS.indexOf(name.slice(0, 3).toLowerCase()) + 1;
}
function year(y: string): number {
  const n = Number(y);
  return y.length === 2 ? (n < 70 ? 2000 + n : 1900 + n) : n;
}

function toIso(y: number, m: number, d: number): string | null {
  if (y < 1700 || y > 2200 || m < 1 || m > 12 || d < 1) return null;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  if (d > days) return null;
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

export function extractDates(text: string, limit = 200): DateFact[] {
  const hits: DateFact[] = [];
  const taken: Array<[number, number]> = [];
  for (const [re, parts] of PATTERNS) {
    for (const m of text.matchAll(re)) {
      const start = m.index;
      const end = start + m[0].length;
      if (taken.some(([a, b]) => start < b && a < end)) continue;
      const p = parts(m as unknown as RegExpExecArray);
      const iso = p && toIso(...p);
      if (!iso) continue;
      taken.push([start, end]);
      const before = text.slice(Math.max(0, start - 40), start).replace(/\b(?:the|on)\s*$/i, '');
      const what = WHAT.find(([w]) => w.test(before))?.[1];
      hits.push({ iso, ...(what ? { what } : {}), text: collapse(m[0]), span: [start, end], source: 'rules' });
    }
  }
  hits.sort((a, b) => a.span![0] - b.span![0]);
  // one entry per (date, what): the first place it was found
  const seen = new Set<string>();
  return hits.filter((h) => (seen.has(`${h.iso}|${h.what ?? ''}`) ? false : (seen.add(`${h.iso}|${h.what ?? ''}`), true))).slice(0, limit);
}
