/**
 * First step of the page layout: text runs (one pdf.js text item each, placed in device space)
 * become words, each in the frame of its own rotation. Pure.
 *
 * Device space is the page at 72 dpi with y growing downwards (the page's /Rotate applied). A
 * rotation frame turns text of one of the four orientations into left-to-right, top-to-bottom
 * text: in its frame, x grows along the baseline and y grows from one line to the next.
 */

/** One run of text drawn with one font, as pdf.js reports it (a text item). */
export interface TextRun {
  str: string;
  /** Device-space text matrix [a, b, c, d, e, f]: baseline direction (a, b), glyph up (c, d), origin (e, f). */
  matrix: readonly number[];
  /** Advance of the whole run along its baseline, in device units. */
  width: number;
  /** Font size in device units. */
  fontSize: number;
  /** Font ascent and descent as fractions of the font size (descent is negative). */
  ascent: number;
  descent: number;
  /** Font identity: words of different fonts are never merged into one. */
  font: string;
}

export interface PageBox {
  width: number;
  height: number;
}

/** 0: normal; 1: turned a quarter clockwise (reads downwards); 2: upside down; 3: reads upwards. */
export type Rot = 0 | 1 | 2 | 3;

export interface Word {
  text: string;
  rot: Rot;
  /** Box and baseline in the frame of `rot`. */
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
  base: number;
  fontSize: number;
  font: string;
  /** Position in drawing order (ties and stable sorts). */
  seq: number;
}

/** Maps a device point into the frame of a rotation. */
export function toFrame(rot: Rot, x: number, y: number): [number, number] {
  switch (rot) {
    case 0:
      return [x, y];
    case 1:
      return [y, -x];
    case 2:
      return [-x, -y];
    case 3:
      return [-y, x];
  }
}

/** Maps a frame point back to device space. */
export function fromFrame(rot: Rot, fx: number, fy: number): [number, number] {
  switch (rot) {
    case 0:
      return [fx, fy];
    case 1:
      return [-fy, fx];
    case 2:
      return [-fx, -fy];
    case 3:
      return [fy, -fx];
  }
}

/** The rotation of a run from its device matrix (which way its glyphs stand). */
function rotationOf(m: readonly number[]): Rot {
  const [a = 1, b = 0, c = 0, d = -1] = m;
  if (Math.abs(a * d) > Math.abs(b * c)) return a > 0 || d < 0 ? 0 : 2;
  return c > 0 ? 1 : 3;
}

/** Rough glyph widths (fractions of an em) to place word boundaries inside a run. */
function glyphWeight(ch: string): number {
  if (/\s/u.test(ch)) return 0.28;
  if (/[ilIjtf.,;:'!|()[\]`\u2018\u2019]/u.test(ch)) return 0.3;
  if (/[mwMW@%\u2014]/u.test(ch)) return 0.88;
  if (/[A-Z&]/u.test(ch)) return 0.68;
  return 0.5;
}

/**
 * Splits runs into words at whitespace. Glyph positions inside a run are estimated from rough
 * glyph widths (pdf.js gives one advance per run; a wide gap already ends a run). Characters
 * whose origin lies off the page are dropped, as pdftotext does.
 */
export function runsToWords(runs: readonly TextRun[], page: PageBox): Word[] {
  const words: Word[] = [];
  let seq = 0;
  /** The word that ended the previous run, if the run ended inside it (it may continue in this run). */
  let open: Word | undefined;
  for (const run of runs) {
    const chars = Array.from(run.str);
    const [a = 1, b = 0, , , e = 0, f = 0] = run.matrix;
    const norm = Math.hypot(a, b);
    if (chars.length === 0 || norm === 0 || !(run.fontSize > 0)) continue;
    const ux = a / norm;
    const uy = b / norm;
    const rot = rotationOf(run.matrix);
    const weights = chars.map(glyphWeight);
    const total = weights.reduce((s, w) => s + w, 0);
    const scale = total > 0 ? Math.abs(run.width) / total : 0;
    const [, base] = toFrame(rot, e, f);
    const fs = run.fontSize;
    let offset = 0;
    let current: Word | undefined;
    const flush = () => {
      current = undefined;
    };
    chars.forEach((ch, i) => {
      const w = (weights[i] ?? 0) * scale;
      const px = e + ux * offset;
      const py = f + uy * offset;
      offset += w;
      if (/\s/u.test(ch) || ch === '\u0000') return flush();
      const offPage = px > page.width + 0.5 || px + Math.abs(ux * w) < -0.5 || py > page.height + 0.5 || py + Math.abs(uy * w) < -0.5;
      if (offPage) return flush();
      const [fx0] = toFrame(rot, px, py);
      const [fx1] = toFrame(rot, px + ux * w, py + uy * w);
      if (!current && i === 0 && open && continues(open, rot, base, fs, Math.min(fx0, fx1))) current = open;
      if (current) {
        current.text += ch;
        current.xMin = Math.min(current.xMin, fx0, fx1);
        current.xMax = Math.max(current.xMax, fx0, fx1);
        return;
      }
      current = {
        text: ch,
        rot,
        xMin: Math.min(fx0, fx1),
        xMax: Math.max(fx0, fx1),
        yMin: base - run.ascent * fs,
        yMax: base - run.descent * fs,
        base,
        fontSize: fs,
        font: run.font,
        seq: seq++,
      };
      words.push(current);
    });
    open = current;
  }
  return dropDuplicates(words);
}

/**
 * Whether a run's first glyph continues the word that ended the previous run (pdf.js starts a new
 * run at a font change, e.g. an italic word followed by a roman colon): same line and size, and
 * no more than a sliver of space between them, as pdftotext builds words glyph by glyph.
 */
function continues(word: Word, rot: Rot, base: number, fontSize: number, x: number): boolean {
  if (word.rot !== rot || Math.abs(word.base - base) > 0.5 || Math.abs(word.fontSize - fontSize) > 1e-6) return false;
  const gap = x - word.xMax;
  return gap >= -0.2 * fontSize && gap <= 0.1 * fontSize;
}

/**
 * Drops words drawn twice at (almost) the same place: fake bold and drop shadows print the same
 * text with a small offset; the copy is not text.
 */
function dropDuplicates(words: Word[]): Word[] {
  const byBucket = new Map<string, Word[]>();
  const kept: Word[] = [];
  for (const w of words) {
    const key = `${w.rot}:${Math.floor(w.base / 4)}`;
    const near = [-1, 0, 1].flatMap((d) => byBucket.get(`${w.rot}:${Math.floor(w.base / 4) + d}`) ?? []);
    const pri = 0.1 * w.fontSize;
    const sec = 0.2 * w.fontSize;
    const dup = near.some(
      (o) =>
        o.text === w.text &&
        Math.abs(o.xMin - w.xMin) < pri &&
        Math.abs(o.xMax - w.xMax) < pri &&
        Math.abs(o.yMin - w.yMin) < sec &&
        Math.abs(o.yMax - w.yMax) < sec,
    );
    if (dup) continue;
    kept.push(w);
    const list = byBucket.get(key);
    if (list) list.push(w);
    else byBucket.set(key, [w]);
  }
  return kept;
}
