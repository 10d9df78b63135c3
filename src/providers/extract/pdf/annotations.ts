/**
 * Text drawn by annotation appearance streams (stamps such as "EXHIBIT 4", FreeText headers and
 * footers of transcripts, Bates and reporter labels, filled form fields), as layout runs placed
 * where a reader sees them. pdf.js's text content covers only the page's own content stream; its
 * operator list (annotationMode ENABLE, display intent) also holds the appearance streams of the
 * annotations a reader sees: hidden, no-view and popup-only annotations have no operators there.
 * This walks those operators with the PDF text state (Tm, Tf, Tc, Tw, Tz, TL, Ts) and the CTM.
 * Pure: the fonts come in through a lookup.
 */
import type { TextRun } from '../layout/words.ts';

/** The operator codes the walk needs (pdf.js OPS, passed in to keep this module pure). */
export interface TextOps {
  save: number;
  restore: number;
  transform: number;
  beginAnnotation: number;
  endAnnotation: number;
  paintFormXObjectBegin: number;
  paintFormXObjectEnd: number;
  beginText: number;
  setCharSpacing: number;
  setWordSpacing: number;
  setHScale: number;
  setLeading: number;
  setLeadingMoveText: number;
  setFont: number;
  setTextRise: number;
  moveText: number;
  setTextMatrix: number;
  nextLine: number;
  showText: number;
  showSpacedText: number;
  nextLineShowText: number;
  nextLineSetSpacingShowText: number;
}

export interface FontInfo {
  /** Glyph space to text space (usually [0.001, 0, 0, 0.001, 0, 0]). */
  fontMatrix?: number[];
  ascent: number;
  descent: number;
  vertical?: boolean;
}

interface Glyph {
  unicode?: string;
  width?: number;
  isSpace?: boolean;
}

type M = [number, number, number, number, number, number];
const ID: M = [1, 0, 0, 1, 0, 0];

/** `n` then `m` (PDF row-vector order: a point is mapped by n first). */
function mul(n: readonly number[], m: readonly number[]): M {
  const [a = 1, b = 0, c = 0, d = 1, e = 0, f = 0] = n;
  const [a2 = 1, b2 = 0, c2 = 0, d2 = 1, e2 = 0, f2 = 0] = m;
  return [a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2, e * a2 + f * c2 + e2, e * b2 + f * d2 + f2];
}

function apply(m: readonly number[], x: number, y: number): [number, number] {
  const [a = 1, b = 0, c = 0, d = 1, e = 0, f = 0] = m;
  return [a * x + c * y + e, b * x + d * y + f];
}

/** A matrix operand: six numbers, or one array (typed or not) of six. */
function matrixArg(args: unknown): M | undefined {
  const a = args as ArrayLike<unknown> | null | undefined;
  if (!a) return undefined;
  if (a.length === 6 && typeof a[0] === 'number') return Array.from(a as ArrayLike<number>) as M;
  const first = a[0] as ArrayLike<number> | undefined;
  if (first && typeof first === 'object' && first.length === 6) return Array.from(first) as M;
  return undefined;
}

/** A gap in a TJ array wider than this (in em) starts a new run, as pdf.js splits text items. */
const RUN_GAP_EM = 0.25;

/**
 * The text runs of the annotation appearances in an operator list, in device space (`view` is the
 * page's viewport transform, PDF space to device space).
 */
export function annotationRuns(
  fnArray: readonly number[],
  argsArray: readonly unknown[],
  ops: TextOps,
  view: readonly number[],
  fontOf: (name: string) => FontInfo | undefined,
): TextRun[] {
  const runs: TextRun[] = [];
  const stack: M[] = [];
  let ctm: M = ID;
  let depth = 0;
  let tm: M = ID;
  let tlm: M = ID;
  let font: FontInfo | undefined;
  let fontName = '';
  let size = 0;
  let tc = 0;
  let tw = 0;
  let th = 1;
  let tl = 0;
  let rise = 0;

  const move = (tx: number, ty: number) => {
    tlm = mul([1, 0, 0, 1, tx, ty], tlm);
    tm = tlm;
  };
  const show = (glyphs: unknown) => {
    if (!Array.isArray(glyphs) || !font) return;
    const scale = (font.fontMatrix?.[0] ?? 0.001) * size;
    let str = '';
    let start = 0;
    let x = 0;
    const flush = () => {
      if (str.trim()) runs.push(toRun(str, start, x));
      str = '';
    };
    const toRun = (s: string, x0: number, x1: number): TextRun => {
      const trm = mul(mul([size * th, 0, 0, size, 0, rise], mul([1, 0, 0, 1, x0, 0], tm)), ctm);
      const m = mul(trm, view);
      const [sx, sy] = apply(mul(mul([1, 0, 0, 1, 0, rise], tm), mul(ctm, view)), x0, 0);
      const [ex, ey] = apply(mul(mul([1, 0, 0, 1, 0, rise], tm), mul(ctm, view)), x1, 0);
      return {
        str: s,
        matrix: m,
        width: Math.hypot(ex - sx, ey - sy),
        fontSize: Math.hypot(m[2], m[3]),
        ascent: font!.ascent,
        descent: font!.descent,
        font: fontName,
      };
    };
    for (const g of glyphs as Array<Glyph | number | null>) {
      if (typeof g === 'number') {
        const dx = (-g / 1000) * size * th;
        if (Math.abs(dx) > RUN_GAP_EM * Math.abs(size)) {
          flush();
          start = x + dx;
        }
        x += dx;
        continue;
      }
      if (!g) continue;
      if (!str) start = x;
      str += g.unicode ?? '';
      x += ((g.width ?? 0) * scale + tc + (g.isSpace ? tw : 0)) * th;
    }
    flush();
    tm = mul([1, 0, 0, 1, x, 0], tm);
  };

  for (let i = 0; i < fnArray.length; i++) {
    const fn = fnArray[i];
    const args = argsArray[i] as unknown[] | null;
    if (fn === ops.beginAnnotation) {
      stack.push(ctm);
      depth++;
      ctm = mul(mul(matrixArg([args?.[3]]) ?? ID, matrixArg([args?.[2]]) ?? ID), ctm);
      continue;
    }
    if (fn === ops.endAnnotation) {
      ctm = stack.pop() ?? ID;
      depth = Math.max(0, depth - 1);
      continue;
    }
    if (depth === 0) continue;
    switch (fn) {
      case ops.save:
        stack.push(ctm);
        break;
      case ops.restore:
        ctm = stack.pop() ?? ctm;
        break;
      case ops.transform:
        ctm = mul(matrixArg(args) ?? ID, ctm);
        break;
      case ops.paintFormXObjectBegin:
        stack.push(ctm);
        ctm = mul(matrixArg([args?.[0]]) ?? ID, ctm);
        break;
      case ops.paintFormXObjectEnd:
        ctm = stack.pop() ?? ctm;
        break;
      case ops.beginText:
        tm = tlm = ID;
        break;
      case ops.setFont:
        fontName = String(args?.[0] ?? '');
        font = fontOf(fontName);
        size = Number(args?.[1] ?? 0);
        break;
      case ops.setCharSpacing:
        tc = Number(args?.[0] ?? 0);
        break;
      case ops.setWordSpacing:
        tw = Number(args?.[0] ?? 0);
        break;
      case ops.setHScale:
        th = Number(args?.[0] ?? 100) / 100;
        break;
      case ops.setLeading:
        tl = Number(args?.[0] ?? 0);
        break;
      case ops.setTextRise:
        rise = Number(args?.[0] ?? 0);
        break;
      case ops.moveText:
        move(Number(args?.[0] ?? 0), Number(args?.[1] ?? 0));
        break;
      case ops.setLeadingMoveText:
        tl = -Number(args?.[1] ?? 0);
        move(Number(args?.[0] ?? 0), Number(args?.[1] ?? 0));
        break;
      case ops.setTextMatrix:
        tm = tlm = matrixArg(args) ?? ID;
        break;
      case ops.nextLine:
        move(0, -tl);
        break;
      case ops.showText:
      case ops.showSpacedText:
        show(args?.[0]);
        break;
      case ops.nextLineShowText:
        move(0, -tl);
        show(args?.[0]);
        break;
      case ops.nextLineSetSpacingShowText:
        tw = Number(args?.[0] ?? 0);
        tc = Number(args?.[1] ?? 0);
        move(0, -tl);
        show(args?.[2]);
        break;
    }
  }
  return runs;
}
