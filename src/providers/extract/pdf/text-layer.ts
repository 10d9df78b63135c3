/**
 * Turns pdf.js text items into reading-order text: items are grouped into lines by baseline (y),
 * each line sorted by x, with a space where the gap between items is wider than a sliver of the
 * font size, and a blank line where the vertical gap says a new paragraph starts. Pure.
 */
export interface TextItemLike {
  str: string;
  /** pdf.js transform [a, b, c, d, e, f]: e/f are the baseline origin in PDF user space. */
  transform: number[];
  width: number;
  height: number;
  hasEOL?: boolean;
}

interface Placed {
  str: string;
  x: number;
  y: number;
  end: number;
  size: number;
}

interface Line {
  y: number;
  size: number;
  items: Placed[];
}

/** Minimum gap, as a fraction of the font size, that counts as a word space. */
const SPACE_GAP = 0.15;

export function layoutTextItems(items: readonly TextItemLike[]): string {
  return renderLines(groupLines(place(items)));
}

/** Text items as lines (each a string), top to bottom: used for routing (stamp detection). */
export function textLines(items: readonly TextItemLike[]): Array<{ y: number; text: string }> {
  return groupLines(place(items)).map((l) => ({ y: l.y, text: joinLine(l.items) }));
}

function place(items: readonly TextItemLike[]): Placed[] {
  const out: Placed[] = [];
  for (const it of items) {
    if (!it.str) continue;
    const [a = 1, b = 0, , d = 1, e = 0, f = 0] = it.transform;
    const size = Math.max(Math.hypot(a, b), Math.abs(d), it.height, 1);
    out.push({ str: it.str, x: e, y: f, end: e + Math.abs(it.width), size });
  }
  return out;
}

function groupLines(items: Placed[]): Line[] {
  const sorted = [...items].sort((p, q) => q.y - p.y || p.x - q.x);
  const lines: Line[] = [];
  for (const it of sorted) {
    const line = lines.find((l) => Math.abs(l.y - it.y) <= Math.min(l.size, it.size) * 0.5);
    if (line) {
      line.items.push(it);
      if (it.size > line.size) line.size = it.size;
    } else {
      lines.push({ y: it.y, size: it.size, items: [it] });
    }
  }
  for (const l of lines) l.items.sort((p, q) => p.x - q.x);
  return lines.sort((p, q) => q.y - p.y || (p.items[0]?.x ?? 0) - (q.items[0]?.x ?? 0));
}

function joinLine(items: Placed[]): string {
  let out = '';
  let prev: Placed | undefined;
  for (const it of items) {
    if (prev) {
      const gap = it.x - prev.end;
      const needsSpace = gap > Math.min(prev.size, it.size) * SPACE_GAP && !/\s$/.test(out) && !/^\s/.test(it.str);
      if (needsSpace) out += ' ';
    }
    out += it.str;
    prev = it;
  }
  return out.replace(/\s+$/u, '');
}

function renderLines(lines: Line[]): string {
  const kept = lines.filter((l) => joinLine(l.items).trim());
  const pitches = kept
    .slice(1)
    .map((l, i) => (kept[i] as Line).y - l.y)
    .filter((d) => d > 0)
    .sort((p, q) => p - q);
  const median = pitches[Math.floor((pitches.length - 1) / 2)] ?? 0;
  const out: string[] = [];
  let prev: Line | undefined;
  for (const line of kept) {
    // A gap clearly wider than the page's usual line pitch starts a paragraph (single or double spaced).
    if (prev && prev.y - line.y > Math.max(median * 1.4, Math.max(prev.size, line.size) * 1.2)) out.push('');
    out.push(joinLine(line.items));
    prev = line;
  }
  return out.join('\n');
}
