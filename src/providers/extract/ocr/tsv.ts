/**
 * Tesseract's TSV output (`tesseract <image> stdout tsv`): one row per page, block, paragraph,
 * line and word, with boxes and word confidences. Turned into the same text and mean confidence
 * tesseract.js gives (its `data.text` / `data.confidence`) and the CLI's `txt` output: words joined
 * by spaces, lines by a newline, a blank line between paragraphs; the confidence is the mean over
 * recognised words.
 */
import type { OcrText } from './tesseract-pool.ts';

export interface OcrWord {
  block: number;
  paragraph: number;
  line: number;
  left: number;
  top: number;
  width: number;
  height: number;
  /** 0-100. */
  confidence: number;
  text: string;
}

/** The word rows (level 5) of a TSV; rows without text (tesseract writes -1 confidences there) are left out. */
export function parseTsvWords(tsv: string): OcrWord[] {
  const words: OcrWord[] = [];
  for (const row of tsv.split('\n')) {
    if (!row.startsWith('5\t')) continue;
    const c = row.split('\t');
    const text = (c[11] ?? '').replace(/\r$/, '');
    const confidence = Number(c[10]);
    if (!text.trim() || !(confidence >= 0)) continue;
    words.push({
      block: Number(c[2]),
      paragraph: Number(c[3]),
      line: Number(c[4]),
      left: Number(c[6]),
      top: Number(c[7]),
      width: Number(c[8]),
      height: Number(c[9]),
      confidence,
      text,
    });
  }
  return words;
}

/** The page's text in tesseract's reading order, and the mean word confidence. */
export function ocrTextOfWords(words: readonly OcrWord[]): OcrText {
  let text = '';
  let line = '';
  let prev: OcrWord | undefined;
  for (const w of words) {
    if (prev && (w.block !== prev.block || w.paragraph !== prev.paragraph || w.line !== prev.line)) {
      text += `${line}\n`;
      if (w.block !== prev.block || w.paragraph !== prev.paragraph) text += '\n';
      line = '';
    }
    line += line ? ` ${w.text}` : w.text;
    prev = w;
  }
  if (prev) text += `${line}\n`;
  const confidence = words.length ? words.reduce((s, w) => s + w.confidence, 0) / words.length : 0;
  return { text, confidence };
}
