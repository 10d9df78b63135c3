/**
 * Page layout for the PDF text layer, in reading order the way pdftotext reads a page: text runs
 * become words, words become blocks of lines (per rotation), blocks are ordered for reading and
 * grouped into flows (columns). Lines of a flow are joined by newlines, flows by a blank line, and
 * a word hyphenated at the end of a line is joined with its continuation. Pure.
 */
import { buildBlocks, type Block } from './blocks.ts';
import { readingOrder, type OrderBox } from './order.ts';
import { fromFrame, runsToWords, toFrame, type PageBox, type Rot, type TextRun } from './words.ts';

export type { PageBox, TextRun } from './words.ts';

const ROTATIONS: readonly Rot[] = [0, 1, 2, 3];

/** The page's text in reading order: lines separated by newlines, flows by blank lines. */
export function layoutPage(runs: readonly TextRun[], page: PageBox): string {
  return orderedBlocks(runs, page)
    .map((flow) => renderFlow(flow))
    .filter((t) => t.length > 0)
    .join('\n\n');
}

/** The page's blocks, grouped into flows, in reading order. */
function orderedBlocks(runs: readonly TextRun[], page: PageBox): Block[][] {
  const words = runsToWords(runs, page);
  const blocks: Block[] = [];
  const chars = [0, 0, 0, 0];
  for (const rot of ROTATIONS) {
    const own = words.filter((w) => w.rot === rot);
    if (own.length === 0) continue;
    for (const b of buildBlocks(own, rot)) {
      blocks.push(b);
      chars[rot] = (chars[rot] ?? 0) + b.lines.reduce((n, l) => n + l.text.length, 0);
    }
  }
  let primary: Rot = 0;
  for (const rot of ROTATIONS) if ((chars[rot] ?? 0) > (chars[primary] ?? 0)) primary = rot;
  const boxes: OrderBox[] = blocks.map((b) => ({ ...reframe(b, b.rot, primary), fontSize: b.fontSize }));
  const pageBox = reframe({ xMin: 0, xMax: page.width, yMin: 0, yMax: page.height }, 0, primary);
  return readingOrder(boxes, pageBox.xMin, pageBox.xMax).map((flow) => flow.map((i) => blocks[i] as Block));
}

interface Rect {
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

/** A box of one rotation's frame as a box in another's. */
function reframe(r: Rect, from: Rot, to: Rot): Rect {
  if (from === to) return { xMin: r.xMin, xMax: r.xMax, yMin: r.yMin, yMax: r.yMax };
  const pts = [
    [r.xMin, r.yMin],
    [r.xMax, r.yMin],
    [r.xMin, r.yMax],
    [r.xMax, r.yMax],
  ].map(([x = 0, y = 0]) => {
    const [dx, dy] = fromFrame(from, x, y);
    return toFrame(to, dx, dy);
  });
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]);
  return { xMin: Math.min(...xs), xMax: Math.max(...xs), yMin: Math.min(...ys), yMax: Math.max(...ys) };
}

/**
 * A flow's lines, one per line of text. A line ending in a hyphen is joined with the next line of
 * its flow, the hyphen dropped (as pdftotext does: "enforce-" + "ment" gives "enforcement").
 */
function renderFlow(flow: readonly Block[]): string {
  const lines = flow.flatMap((b) => b.lines.map((l) => l.text.trimEnd())).filter((t) => t.length > 0);
  let out = '';
  lines.forEach((line, i) => {
    const last = i === lines.length - 1;
    if (!last && line.endsWith('-')) out += line.slice(0, -1);
    else out += last ? line : `${line}\n`;
  });
  return out;
}
