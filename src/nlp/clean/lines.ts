/** Splits raw text into pages (form feed) and lines, keeping raw offsets. */

export interface RawLine {
  /** 0-based page index. */
  page: number;
  /** Raw offsets of the line's content (without its line terminator). */
  start: number;
  end: number;
  /** Raw ranges cut out of this line (ECF stamps, line-number prefixes), sorted, non-overlapping. */
  cuts: Array<[number, number]>;
  /** Why the whole line was removed from the body, if it was. */
  removed?: string;
}

export interface RawPage {
  index: number;
  start: number;
  end: number;
  lines: RawLine[];
}

export function splitPages(raw: string): RawPage[] {
  const pages: RawPage[] = [];
  let pageStart = 0;
  let index = 0;
  const pushPage = (end: number): void => {
    pages.push({ index, start: pageStart, end, lines: splitLines(raw, pageStart, end, index) });
    index++;
  };
  for (let i = raw.indexOf('\f'); i !== -1; i = raw.indexOf('\f', pageStart)) {
    pushPage(i);
    pageStart = i + 1;
  }
  // a trailing form feed ends the last page; it does not open an empty one
  if (pageStart < raw.length || pages.length === 0) pushPage(raw.length);
  return pages;
}

function splitLines(raw: string, start: number, end: number, page: number): RawLine[] {
  const lines: RawLine[] = [];
  let s = start;
  for (let i = start; i <= end; i++) {
    if (i === end || raw[i] === '\n' || raw[i] === '\r') {
      lines.push({ page, start: s, end: i, cuts: [] });
      if (raw[i] === '\r' && raw[i + 1] === '\n') i++;
      s = i + 1;
    }
  }
  return lines;
}

/** The raw ranges of a line that remain after its cuts, trimmed of surrounding whitespace. */
export function lineContent(raw: string, line: RawLine): Array<[number, number]> {
  const pieces: Array<[number, number]> = [];
  let at = line.start;
  for (const [cs, ce] of line.cuts) {
    if (cs > at) pieces.push([at, cs]);
    at = Math.max(at, ce);
  }
  if (at < line.end) pieces.push([at, line.end]);
  const trimmed: Array<[number, number]> = [];
  for (const [ps, pe] of pieces) {
    let a = ps;
    let b = pe;
    while (a < b && /\s/.test(raw[a] ?? '')) a++;
    while (b > a && /\s/.test(raw[b - 1] ?? '')) b--;
    if (b > a) trimmed.push([a, b]);
  }
  return trimmed;
}

export function lineText(raw: string, line: RawLine): string {
  return lineContent(raw, line)
    .map(([s, e]) => raw.slice(s, e))
    .join(' ');
}

/** Adds a cut to a line, keeping cuts sorted and merged. */
export function addCut(line: RawLine, start: number, end: number): void {
  const s = Math.max(start, line.start);
  const e = Math.min(end, line.end);
  if (e <= s) return;
  line.cuts.push([s, e]);
  line.cuts.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const c of line.cuts) {
    const last = merged[merged.length - 1];
    if (last && c[0] <= last[1]) last[1] = Math.max(last[1], c[1]);
    else merged.push([c[0], c[1]]);
  }
  line.cuts = merged;
}
