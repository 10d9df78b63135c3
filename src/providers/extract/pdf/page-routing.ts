/**
 * Decides, per PDF page, whether its text layer is the page's text or whether the page must be
 * OCR'd: a page with no real text, or whose only text is a stamp (an ECF header, a Bates number)
 * over an image, goes to OCR. Pure: the inputs come from pdf.js (text lines, operator list).
 */
import { countChars } from '../types.ts';

/** What a page's images say, from its operator list (imageCoverage below). */
export interface ImageFacts {
  /** Fraction of the page area painted by images (0..1, overlaps counted once at most per image). */
  imageCoverage: number;
  /** Number of image paint operations on the page. */
  imageCount: number;
}

export interface Route {
  method: 'text-layer' | 'ocr';
  /** Non-whitespace characters of the text layer. */
  textChars: number;
  /** Text-layer characters outside stamps (margin bands and court headers). */
  bodyChars: number;
  reason: string;
}

/** Court filing headers/footers stamped on every page by CM/ECF and similar systems. */
const STAMP_PATTERNS = [
  /^\s*(?:USCA\d*\s+)?Case[:\s]+[\w:.-]+.*\b(?:Document|Doc|Dkt|ECF)\b.*\bPage\b/i,
  /^\s*Appellate Case:\s*\S+.*\bPage:?\s*\d+/i,
  /^\s*Page\s+\d+\s+of\s+\d+\s*$/i,
  /^\s*[A-Z]{2,10}[-_ ]?\d{4,10}\s*$/, // Bates number
];

/** Top and bottom bands (fractions of the page height) where stamps live. */
const TOP_BAND = 0.12;
const BOTTOM_BAND = 0.08;
/** Fewer body characters than this is "no real text". */
const MIN_BODY_CHARS = 40;
/** A page at least half covered by images (a scan) needs this many body characters to count as text. */
const SCAN_COVERAGE = 0.5;
const MIN_BODY_CHARS_ON_SCAN = 200;

/** A page's text-layer characters, and those outside stamps. */
export interface TextCounts {
  textChars: number;
  bodyChars: number;
}

/** Counts the text-layer lines (baseline y in PDF space: 0 at the bottom) of a page `pageHeight` points high. */
export function textCounts(lines: ReadonlyArray<{ y: number; text: string }>, pageHeight: number): TextCounts {
  let textChars = 0;
  let bodyChars = 0;
  for (const line of lines) {
    const n = countChars(line.text);
    textChars += n;
    if (!isStamp(line, pageHeight)) bodyChars += n;
  }
  return { textChars, bodyChars };
}

/**
 * Whether the page's images can change its route: with this much body text a page is read from its
 * text layer whatever it paints, so its images need not be decoded to route it.
 */
export function needsImages(counts: TextCounts): boolean {
  return counts.bodyChars < MIN_BODY_CHARS_ON_SCAN;
}

/** The route from the text counts and the images the page paints. */
export function routeCounted(counts: TextCounts, images: ImageFacts): Route {
  const { textChars, bodyChars } = counts;
  const base = { textChars, bodyChars };
  if (images.imageCount > 0 && bodyChars < MIN_BODY_CHARS) {
    return { ...base, method: 'ocr', reason: textChars > bodyChars ? 'only a stamp over an image' : 'image without a text layer' };
  }
  if (images.imageCoverage >= SCAN_COVERAGE && bodyChars < MIN_BODY_CHARS_ON_SCAN) {
    return { ...base, method: 'ocr', reason: 'scanned page with little text' };
  }
  return { ...base, method: 'text-layer', reason: textChars === 0 ? 'blank page' : 'text layer' };
}

function isStamp(line: { y: number; text: string }, pageHeight: number): boolean {
  if (STAMP_PATTERNS.some((re) => re.test(line.text))) return true;
  const fromTop = (pageHeight - line.y) / pageHeight;
  const fromBottom = line.y / pageHeight;
  return fromTop < TOP_BAND || fromBottom < BOTTOM_BAND;
}

/** pdf.js OPS codes the coverage scan needs (passed in to keep this module pure). */
export interface OpsCodes {
  save: number;
  restore: number;
  transform: number;
  paintFormXObjectBegin: number;
  paintFormXObjectEnd: number;
  paintImageXObject: number;
  paintInlineImageXObject: number;
  paintImageMaskXObject: number;
  paintImageXObjectRepeat: number;
}

type Matrix = [number, number, number, number, number, number];

/** Walks an operator list tracking the CTM; returns how much of the page images paint. */
export function imageCoverage(
  fnArray: readonly number[],
  argsArray: readonly unknown[],
  ops: OpsCodes,
  view: readonly [number, number, number, number],
): { coverage: number; count: number } {
  const [x0, y0, x1, y1] = view;
  const stack: Matrix[] = [];
  let ctm: Matrix = [1, 0, 0, 1, 0, 0];
  let area = 0;
  let count = 0;
  const images = new Set([ops.paintImageXObject, ops.paintInlineImageXObject, ops.paintImageMaskXObject, ops.paintImageXObjectRepeat]);
  for (let i = 0; i < fnArray.length; i++) {
    const fn = fnArray[i];
    const args = argsArray[i];
    if (fn === ops.save) stack.push(ctm);
    else if (fn === ops.restore) ctm = stack.pop() ?? ctm;
    else if (fn === ops.transform && Array.isArray(args)) ctm = multiply(ctm, args as number[]);
    else if (fn === ops.paintFormXObjectBegin && Array.isArray(args)) {
      stack.push(ctm);
      if (Array.isArray(args[0]) && args[0].length === 6) ctm = multiply(ctm, args[0] as number[]);
    } else if (fn === ops.paintFormXObjectEnd) ctm = stack.pop() ?? ctm;
    else if (fn !== undefined && images.has(fn)) {
      count++;
      area += unitSquareArea(ctm, view);
    }
  }
  return { coverage: Math.min(1, area / Math.max(1, (x1 - x0) * (y1 - y0))), count };
}

function multiply(m: Matrix, n: readonly number[]): Matrix {
  const [a, b, c, d, e, f] = m;
  const [a2 = 1, b2 = 0, c2 = 0, d2 = 1, e2 = 0, f2 = 0] = n;
  return [a2 * a + b2 * c, a2 * b + b2 * d, c2 * a + d2 * c, c2 * b + d2 * d, e2 * a + f2 * c + e, e2 * b + f2 * d + f];
}

/** Area of the unit square under the CTM, clipped to the page's box. */
function unitSquareArea(m: Matrix, [x0, y0, x1, y1]: readonly [number, number, number, number]): number {
  const pts = [
    [0, 0],
    [1, 0],
    [0, 1],
    [1, 1],
  ].map(([x = 0, y = 0]) => [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]] as const);
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]);
  const w = Math.max(0, Math.min(x1, Math.max(...xs)) - Math.max(x0, Math.min(...xs)));
  const h = Math.max(0, Math.min(y1, Math.max(...ys)) - Math.max(y0, Math.min(...ys)));
  return w * h;
}
