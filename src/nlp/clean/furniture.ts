/**
 * Page furniture: page numbers, pleading-paper line numbers, running headers and footers repeated
 * across pages, separator rules and caption bracket columns. Each is removed from the body (the
 * line is marked `removed`, or its prefix cut) and reported so it can be kept as metadata.
 */
import { normalizeString } from './chars.ts';
import { addCut, lineText, type RawLine, type RawPage } from './lines.ts';

export interface RemovedLine {
  page: number;
  text: string;
}

export interface RepeatedLine {
  text: string;
  position: 'header' | 'footer';
  pages: number[];
}

const PAGE_NUMBER = [
  /^[-\u2010-\u2015]?\s*\d{1,4}\s*[-\u2010-\u2015]?$/,
  /^page\s*\d{1,4}(\s*of\s*\d{1,4})?$/i,
  /^\d{1,4}\s+of\s+\d{1,4}$/i,
  /^[ivxlc]{1,7}$/i,
];
const RULE_LINE = /^[\s_=*~.·•-]{5,}$/;
const CAPTION_BRACKETS = /^[)\s§:]+$/;

const contentLines = (raw: string, page: RawPage): RawLine[] => page.lines.filter((l) => !l.removed && lineText(raw, l) !== '');

/** Separator rules (`______`) and caption bracket columns (`)`) carry no text. */
export function removeRulesAndBrackets(raw: string, pages: RawPage[]): number {
  let n = 0;
  for (const page of pages) {
    for (const line of contentLines(raw, page)) {
      const text = lineText(raw, line);
      if (RULE_LINE.test(text) && !/[A-Za-z0-9]/.test(text)) line.removed = 'rule';
      else if (CAPTION_BRACKETS.test(text)) line.removed = 'caption_bracket';
      else continue;
      n++;
    }
  }
  return n;
}

/**
 * Pleading paper numbers its lines 1..28 down the left margin. On a page with at least eight such
 * numbers (alone on a line, or as a line prefix followed by a wide gap), they are removed.
 */
export function removeLineNumbers(raw: string, pages: RawPage[]): number {
  let removed = 0;
  for (const page of pages) {
    const lines = contentLines(raw, page);
    const alone = lines.filter((l) => {
      const t = lineText(raw, l);
      return /^\d{1,2}$/.test(t) && Number(t) >= 1 && Number(t) <= 32;
    });
    const prefixed: Array<[RawLine, number]> = [];
    for (const l of lines) {
      const m = /^([ \t]*)(\d{1,2})(?:[ \t]{2,}|\t)(?=\S)/.exec(raw.slice(l.start, l.end));
      if (m && Number(m[2]) >= 1 && Number(m[2]) <= 32) prefixed.push([l, m[0].length]);
    }
    if (alone.length + prefixed.length < 8) continue;
    const numbers = [
      ...alone.map((l) => Number(lineText(raw, l))),
      ...prefixed.map(([l]) => Number(/\d+/.exec(raw.slice(l.start, l.end))![0])),
    ];
    if (new Set(numbers).size < 6) continue; // the same number again and again is not a line-number column
    for (const l of alone) l.removed = 'line_number';
    for (const [l, len] of prefixed) addCut(l, l.start, l.start + len);
    removed += alone.length + prefixed.length;
  }
  return removed;
}

/** A page number alone on one of the first two or last three content lines of a page. */
export function removePageNumbers(raw: string, pages: RawPage[]): RemovedLine[] {
  const out: RemovedLine[] = [];
  for (const page of pages) {
    const lines = contentLines(raw, page);
    const candidates = new Set([...lines.slice(0, 2), ...lines.slice(-3)]);
    for (const line of candidates) {
      const text = lineText(raw, line);
      if (PAGE_NUMBER.some((re) => re.test(text))) {
        // a roman numeral must stand alone at the very top or bottom
        if (/^[ivxlc]+$/i.test(text) && line !== lines[0] && line !== lines[lines.length - 1]) continue;
        line.removed = 'page_number';
        out.push({ page: page.index + 1, text: normalizeString(text) });
      }
    }
  }
  return out;
}

const headerKey = (text: string): string => normalizeString(text).toLowerCase().replace(/\d+/g, '#').replace(/\s+/g, ' ').trim();

/**
 * Running headers and footers: a line among the first or last three content lines of a page whose
 * text (digits ignored) recurs at the same end of at least a third of the pages (three at least).
 */
export function removeRepeatedLines(raw: string, pages: RawPage[]): RepeatedLine[] {
  if (pages.length < 3) return [];
  // running headers often alternate between even and odd pages: a third of the pages is enough
  const threshold = Math.max(3, Math.ceil(pages.length * 0.35));
  const found: RepeatedLine[] = [];
  for (const position of ['header', 'footer'] as const) {
    const byKey = new Map<string, { text: string; pages: Set<number>; lines: RawLine[] }>();
    for (const page of pages) {
      const lines = contentLines(raw, page);
      const edge = position === 'header' ? lines.slice(0, 3) : lines.slice(-3);
      for (const line of edge) {
        const text = lineText(raw, line);
        const key = headerKey(text);
        if (key.replace(/[^a-z]/g, '').length < 3) continue;
        const entry = byKey.get(key) ?? { text: normalizeString(text).replace(/\s+/g, ' '), pages: new Set<number>(), lines: [] };
        entry.pages.add(page.index + 1);
        entry.lines.push(line);
        byKey.set(key, entry);
      }
    }
    for (const entry of byKey.values()) {
      if (entry.pages.size < threshold) continue;
      for (const line of entry.lines) line.removed = position;
      found.push({ text: entry.text, position, pages: [...entry.pages] });
    }
  }
  return found;
}
