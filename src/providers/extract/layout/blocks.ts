/**
 * Second step of the page layout: words of one rotation are gathered into blocks (a paragraph,
 * a caption, one column's run of lines), and each block's words into lines. The rules follow the
 * ideas of pdftotext's reading-order mode: a block grows by lines just above or below it that
 * overlap it horizontally and share its font size, by words on its own lines that touch it, and
 * by a few outlying words close to its sides. Pure; all distances are fractions of the font size.
 */
import type { Rot, Word } from './words.ts';

/** Baselines are bucketed by this many device units. */
const BUCKET = 4;
/** Max baseline distance between two lines of a block. */
const LINE_SPACING = 1.5;
/** Font size tolerance for lines above/below, for words overlapping the block, for outlying words. */
const FONT_DELTA_LINES = 0.05;
const FONT_DELTA_OVERLAP = 0.6;
const FONT_DELTA_SIDES = 0.2;
/** Baseline tolerance of words on one line (sub- and superscripts). */
const INTRA_LINE = 0.5;
/** Horizontal slack for words on the block's lines to join it. */
const COL_SPACING_1 = 0.7;
/** Outlying words nearer than this to the block's side may join it (three lines at most). */
const COL_SPACING_2 = 1;
/** Max gap between words of a line; a wider gap splits the line. */
const MAX_WORD_SPACING = 1.5;
/** A word starting this far left of the line's end (overlap) ends the line. */
const MIN_CHAR_SPACING = -0.5;
/** Gap under which two words touch (no space between them), unless letter spacing is wide. */
const MAX_CHAR_SPACING = 0.03;
const WIDE_CHAR_SPACING_MUL = 1.3;
const MAX_WIDE_CHAR_SPACING = 0.4;

export interface Line {
  words: Word[];
  /** Whether a space follows each word (same length as words). */
  spaceAfter: boolean[];
  base: number;
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
  text: string;
}

export interface Block {
  rot: Rot;
  lines: Line[];
  /** Bounding box in the frame of `rot`. */
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
  /** Font size of the first word of the first line. */
  fontSize: number;
}

/** Words bucketed by baseline, each bucket sorted by xMin. */
class Pool {
  private readonly buckets = new Map<number, Word[]>();
  minIdx = Number.POSITIVE_INFINITY;
  maxIdx = Number.NEGATIVE_INFINITY;

  static idx(base: number): number {
    return Math.floor(base / BUCKET);
  }

  constructor(words: readonly Word[]) {
    for (const w of words) this.add(w);
  }

  add(w: Word): void {
    const i = Pool.idx(w.base);
    let list = this.buckets.get(i);
    if (!list) {
      list = [];
      this.buckets.set(i, list);
    }
    let at = list.length;
    while (at > 0 && (list[at - 1] as Word).xMin > w.xMin) at--;
    list.splice(at, 0, w);
    if (i < this.minIdx) this.minIdx = i;
    if (i > this.maxIdx) this.maxIdx = i;
  }

  bucket(i: number): Word[] {
    return this.buckets.get(i) ?? [];
  }

  first(i: number): Word | undefined {
    return this.buckets.get(i)?.[0];
  }

  remove(i: number, w: Word): void {
    const list = this.buckets.get(i);
    const at = list?.indexOf(w) ?? -1;
    if (list && at >= 0) list.splice(at, 1);
    if (list && list.length === 0) this.buckets.delete(i);
  }

  get empty(): boolean {
    return this.buckets.size === 0;
  }

  /** The word to start the next block or line with: the leftmost of the first four buckets (not a superscript). */
  takeStart(): Word | undefined {
    if (this.empty) return undefined;
    while (!this.buckets.has(this.minIdx)) this.minIdx++;
    let start = this.minIdx;
    for (let i = this.minIdx + 1; i < this.minIdx + 4; i++) {
      const w = this.first(i);
      if (w && w.xMin < (this.first(start) as Word).xMin) start = i;
    }
    const word = this.first(start) as Word;
    this.remove(start, word);
    return word;
  }
}

interface Box {
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

function grow(box: Box, w: Box): void {
  box.xMin = Math.min(box.xMin, w.xMin);
  box.xMax = Math.max(box.xMax, w.xMax);
  box.yMin = Math.min(box.yMin, w.yMin);
  box.yMax = Math.max(box.yMax, w.yMax);
}

/** Builds the blocks of words that all have the same rotation, in the order they are found (top down). */
export function buildBlocks(words: readonly Word[], rot: Rot): Block[] {
  const pool = new Pool(words);
  const blocks: Block[] = [];
  for (let word0 = pool.takeStart(); word0; word0 = pool.takeStart()) {
    const members: Word[] = [word0];
    const box: Box = { xMin: word0.xMin, xMax: word0.xMax, yMin: word0.yMin, yMax: word0.yMax };
    const add = (i: number, w: Word) => {
      pool.remove(i, w);
      members.push(w);
      grow(box, w);
    };
    const fs = word0.fontSize;
    let minBase = word0.base;
    let maxBase = word0.base;
    const lineSpace = LINE_SPACING * fs;
    const intra = INTRA_LINE * fs;
    const col1 = COL_SPACING_1 * fs;
    const col2 = COL_SPACING_2 * fs;
    const sameSize = (w: Word, delta: number) => Math.abs(w.fontSize - fs) < delta * fs;
    let found: boolean;
    do {
      found = false;
      // Lines just above the block that overlap it horizontally.
      let newMin = minBase;
      for (let i = Pool.idx(minBase); i >= Pool.idx(minBase - lineSpace); i--) {
        for (const w of [...pool.bucket(i)]) {
          if (
            w.base < minBase &&
            w.base >= minBase - lineSpace &&
            w.xMin < box.xMax &&
            w.xMax > box.xMin &&
            sameSize(w, FONT_DELTA_LINES)
          ) {
            add(i, w);
            found = true;
            newMin = w.base;
          }
        }
      }
      minBase = newMin;
      // Lines just below.
      let newMax = maxBase;
      for (let i = Pool.idx(maxBase); i <= Pool.idx(maxBase + lineSpace); i++) {
        for (const w of [...pool.bucket(i)]) {
          if (
            w.base > maxBase &&
            w.base <= maxBase + lineSpace &&
            w.xMin < box.xMax &&
            w.xMax > box.xMin &&
            sameSize(w, FONT_DELTA_LINES)
          ) {
            add(i, w);
            found = true;
            newMax = w.base;
          }
        }
      }
      maxBase = newMax;
      // Words on the block's lines that overlap or nearly touch it.
      for (let i = Pool.idx(minBase - intra); i <= Pool.idx(maxBase + intra); i++) {
        for (const w of [...pool.bucket(i)]) {
          if (
            w.base >= minBase - intra &&
            w.base <= maxBase + intra &&
            w.xMin < box.xMax + col1 &&
            w.xMax > box.xMin - col1 &&
            sameSize(w, FONT_DELTA_OVERLAP)
          ) {
            add(i, w);
            found = true;
          }
        }
      }
      if (found) continue;
      // A few outlying words close to the block's left, then right side.
      for (const side of ['left', 'right'] as const) {
        const near = (w: Word) =>
          w.base >= minBase - intra &&
          w.base <= maxBase + intra &&
          (side === 'left' ? w.xMax <= box.xMin && w.xMax > box.xMin - col2 : w.xMin >= box.xMax && w.xMin < box.xMax + col2) &&
          sameSize(w, FONT_DELTA_SIDES);
        let n = 0;
        for (let i = Pool.idx(minBase - intra); i <= Pool.idx(maxBase + intra); i++) if (pool.bucket(i).some(near)) n++;
        if (n === 0 || n > 3) continue;
        for (let i = Pool.idx(minBase - intra); i <= Pool.idx(maxBase + intra); i++) {
          const w = pool.bucket(i).find(near);
          if (!w) continue;
          add(i, w);
          if (w.base < minBase) minBase = w.base;
          else if (w.base > maxBase) maxBase = w.base;
          found = true;
        }
      }
    } while (found);
    const lines = buildLines(members);
    blocks.push({ rot, lines, ...box, fontSize: lines[0]?.words[0]?.fontSize ?? fs });
  }
  return blocks;
}

/** Gathers a block's words into lines, top to bottom; a line is split where its words are too far apart. */
function buildLines(words: readonly Word[]): Line[] {
  const pool = new Pool(words);
  const lines: Line[] = [];
  for (let word0 = pool.takeStart(); word0; word0 = pool.takeStart()) {
    const lineWords: Word[] = [word0];
    let last = word0;
    const fs = word0.fontSize;
    const minBase = word0.base - INTRA_LINE * fs;
    const maxBase = word0.base + INTRA_LINE * fs;
    for (;;) {
      let best: { i: number; w: Word } | undefined;
      let overlap = false;
      for (let i = Pool.idx(minBase); !overlap && i <= Pool.idx(maxBase); i++) {
        const w = pool.bucket(i).find((c) => c.base >= minBase && c.base <= maxBase);
        if (!w) continue;
        const delta = w.xMin - last.xMax;
        if (delta < MIN_CHAR_SPACING * fs) overlap = true;
        else if (delta < MAX_WORD_SPACING * fs && (!best || w.xMin < best.w.xMin)) best = { i, w };
      }
      if (overlap || !best) break;
      pool.remove(best.i, best.w);
      lineWords.push(best.w);
      last = best.w;
    }
    lines.push(makeLine(lineWords));
  }
  return lines.sort((p, q) => p.base - q.base || p.xMin - q.xMin);
}

function makeLine(words: Word[]): Line {
  const first = words[0] as Word;
  const box: Box = { xMin: first.xMin, xMax: first.xMax, yMin: first.yMin, yMax: first.yMax };
  for (const w of words) grow(box, w);
  const gaps = words.slice(1).map((w, i) => w.xMin - (words[i] as Word).xMax);
  // Letter-spaced text (single glyphs with even gaps) gets a wider space threshold.
  const allSingle = words.length > 1 && words.every((w) => Array.from(w.text).length === 1);
  const minGap = allSingle ? Math.min(...gaps) : 0;
  const space =
    minGap > 0 ? Math.min(WIDE_CHAR_SPACING_MUL * minGap, MAX_WIDE_CHAR_SPACING * first.fontSize) : MAX_CHAR_SPACING * first.fontSize;
  const spaceAfter = words.map((_, i) => i < gaps.length && (gaps[i] as number) >= space);
  let text = '';
  words.forEach((w, i) => {
    text += w.text;
    if (spaceAfter[i]) text += ' ';
  });
  return { words, spaceAfter, base: first.base, ...box, text };
}
