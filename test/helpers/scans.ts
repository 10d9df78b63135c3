/**
 * Scanned PDFs whose true text is known, generated the way the project makes its sample documents:
 * the repository's own supply agreement (examples/documents) typeset in a canvas at 300 dpi (letter
 * page, 11 pt), the picture put on a PDF page with no text layer, as a scanner would.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createCanvas } from '@napi-rs/canvas';
import { PDFDocument } from 'pdf-lib';

const DPI = 300;
const WIDTH = 8.5 * DPI;
const HEIGHT = 11 * DPI;
const MARGIN = DPI;
const FONT_PX = Math.round((11 / 72) * DPI);
const LINE_PX = Math.round(FONT_PX * 1.35);

export interface GeneratedScan {
  name: string;
  pdf: Buffer;
  /** The text of each page, lines joined by newlines. */
  pages: string[];
}

/** Lines of the agreement wrapped to the page width, split into pages. */
function pagesOf(text: string, measure: (s: string) => number, pageCount: number): string[][] {
  const lines: string[] = [];
  for (const para of text.split(/\n\s*\n/)) {
    let line = '';
    for (const word of para.split(/\s+/).filter(Boolean)) {
      const next = line ? `${line} ${word}` : word;
      if (measure(next) > WIDTH - 2 * MARGIN && line) {
        lines.push(line);
        line = word;
      } else line = next;
    }
    if (line) lines.push(line);
    lines.push('');
  }
  const perPage = Math.floor((HEIGHT - 2 * MARGIN) / LINE_PX);
  const pages: string[][] = [];
  for (let i = 0; i < lines.length && pages.length < pageCount; i += perPage) pages.push(lines.slice(i, i + perPage));
  return pages;
}

/** The agreement's lines, page by page, and a painter of one page to PNG. */
function typeset(repoRoot: string, pageCount: number): { pages: string[][]; png(lines: readonly string[]): Buffer } {
  const text = readFileSync(path.join(repoRoot, 'examples/documents/supply-agreement.txt'), 'utf8');
  const canvas = createCanvas(WIDTH, HEIGHT);
  const g = canvas.getContext('2d');
  g.font = `${FONT_PX}px serif`;
  const pages = pagesOf(text, (s) => g.measureText(s).width, pageCount);
  const png = (lines: readonly string[]) => {
    g.fillStyle = '#ffffff';
    g.fillRect(0, 0, WIDTH, HEIGHT);
    g.fillStyle = '#000000';
    g.font = `${FONT_PX}px serif`;
    lines.forEach((l, i) => g.fillText(l, MARGIN, MARGIN + FONT_PX + i * LINE_PX));
    return canvas.toBuffer('image/png');
  };
  return { pages, png };
}

/** A `pageCount`-page scan of examples/documents/supply-agreement.txt. */
export async function generatedScan(repoRoot: string, pageCount: number): Promise<GeneratedScan> {
  const { pages, png } = typeset(repoRoot, pageCount);
  const doc = await PDFDocument.create();
  for (const lines of pages) {
    const image = await doc.embedPng(png(lines));
    doc.addPage([612, 792]).drawImage(image, { x: 0, y: 0, width: 612, height: 792 });
  }
  return {
    name: `supply-agreement-scan-${pages.length}p.pdf`,
    pdf: Buffer.from(await doc.save()),
    pages: pages.map((l) => l.join('\n').trim()),
  };
}

/** Page 1 of the scan as a PNG image (300 dpi), and its text. */
export function generatedPagePng(repoRoot: string): { png: Buffer; text: string } {
  const { pages, png } = typeset(repoRoot, 1);
  return { png: png(pages[0]!), text: pages[0]!.join('\n').trim() };
}
