/** Plain-text helpers for the example documents: word wrapping and simple page layout for the PDF writer. */
import type { PdfLine } from './pdf.ts';

export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** A block of a court paper: a centred bold heading, a wrapped paragraph, or lines kept as they are. */
export type Block =
  | { kind: 'heading'; text: string }
  | { kind: 'paragraph'; text: string; indent?: boolean }
  | { kind: 'lines'; lines: readonly string[]; x?: number }
  | { kind: 'space' };

const LEFT = 72;
const PAGE_WIDTH = 612;
const BODY_SIZE = 11;
const LEADING = 15;
/** Average Helvetica glyph width at 11 pt, to centre headings and wrap paragraphs. */
const CHAR_WIDTH = 5.4;

/** Lays out one page: the ECF stamp line at the top, then the blocks from top to bottom. */
export function layoutPage(stamp: string, blocks: readonly Block[]): PdfLine[] {
  const lines: PdfLine[] = [{ text: stamp, x: LEFT, y: 760, size: 8 }];
  let y = 720;
  const width = Math.floor((PAGE_WIDTH - 2 * LEFT) / CHAR_WIDTH);
  for (const block of blocks) {
    if (block.kind === 'space') {
      y -= LEADING;
    } else if (block.kind === 'heading') {
      const x = Math.round((PAGE_WIDTH - block.text.length * CHAR_WIDTH * 1.05) / 2);
      lines.push({ text: block.text, x, y, size: BODY_SIZE, bold: true });
      y -= LEADING;
    } else if (block.kind === 'lines') {
      for (const text of block.lines) {
        lines.push({ text, x: block.x ?? LEFT, y, size: BODY_SIZE });
        y -= LEADING;
      }
    } else {
      const wrapped = wrap(block.text, width - (block.indent ? 6 : 0));
      wrapped.forEach((text, i) => {
        lines.push({ text, x: LEFT + (block.indent && i === 0 ? 36 : 0), y, size: BODY_SIZE });
        y -= LEADING;
      });
      y -= 6;
    }
    if (y < 72) throw new Error(`page overflows: ${stamp}`);
  }
  return lines;
}
