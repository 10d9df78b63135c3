/**
 * A scanned page as its own image: when a page paints nothing but one upright image covering it at
 * about OCR resolution, the image pdf.js decoded for the operator list is the page, and OCR reads
 * it as grey pixels directly, with no rasterising (pdftoppm's work) and no second decode. Any other
 * page (text or vector drawing over the scan, rotation, several images, a low- or very high-
 * resolution scan) is rendered as before. Pure: the operator list and image come from pdf.js.
 */

/** Images of at least this resolution are read as they are (below, rendered at 300 dpi: OCR is tuned for it). */
export const DIRECT_MIN_DPI = 250;
/** Above this, rendering at 300 dpi is cheaper for the recogniser than the full image. */
export const DIRECT_MAX_DPI = 420;
/** Share of the page the image must cover. */
const MIN_COVERAGE = 0.9;

/** Operators that paint something besides the scan (text, paths, shadings, forms, annotations, groups). */
const PAINTING = [
  'showText',
  'showSpacedText',
  'nextLineShowText',
  'nextLineSetSpacingShowText',
  'fill',
  'eoFill',
  'stroke',
  'fillStroke',
  'eoFillStroke',
  'closeStroke',
  'closeFillStroke',
  'closeEOFillStroke',
  'shadingFill',
  'beginAnnotation',
  'paintFormXObjectBegin',
  'beginGroup',
  'paintInlineImageXObject',
  'paintInlineImageXObjectGroup',
  'paintImageMaskXObject',
  'paintImageMaskXObjectGroup',
  'paintImageMaskXObjectRepeat',
  'paintImageXObjectRepeat',
  'paintSolidColorImageMask',
];

export interface ScanImage {
  /** pdf.js object id of the decoded image (page.objs). */
  objId: string;
  /** The image's resolution on the page. */
  dpi: number;
}

type Matrix = [number, number, number, number, number, number];

/**
 * The page's one image when the page is only that image, upright, covering the page; undefined
 * for anything else. `ops` is pdf.js's OPS table, `view` the page's box, `rotate` its /Rotate.
 */
export function scanImageOf(
  fnArray: readonly number[],
  argsArray: readonly unknown[],
  ops: Readonly<Record<string, number>>,
  view: readonly [number, number, number, number],
  rotate: number,
): ScanImage | undefined {
  if (rotate % 360 !== 0) return undefined;
  const painting = new Set(PAINTING.map((n) => ops[n]).filter((c): c is number => c !== undefined));
  const stack: Matrix[] = [];
  let ctm: Matrix = [1, 0, 0, 1, 0, 0];
  let found: { objId: string; w: number; h: number; m: Matrix } | undefined;
  for (let i = 0; i < fnArray.length; i++) {
    const fn = fnArray[i];
    const args = argsArray[i] as unknown[] | null;
    if (fn === ops.save) stack.push(ctm);
    else if (fn === ops.restore) ctm = stack.pop() ?? ctm;
    else if (fn === ops.transform && Array.isArray(args)) ctm = multiply(ctm, args as number[]);
    else if (fn === ops.constructPath) {
      // a clipping path (ended without painting) is fine; a filled or stroked one is a drawing
      if (!Array.isArray(args) || args[0] !== ops.endPath) return undefined;
    } else if (fn === ops.paintImageXObject) {
      const [objId, w, h] = (args ?? []) as [unknown, unknown, unknown];
      if (found || typeof objId !== 'string' || typeof w !== 'number' || typeof h !== 'number') return undefined;
      found = { objId, w, h, m: ctm };
    } else if (fn !== undefined && painting.has(fn)) return undefined;
  }
  if (!found) return undefined;
  const [a, b, c, d, e, f] = found.m;
  // upright: no rotation or skew, not mirrored (pdf.js image rows run top to bottom)
  if (Math.abs(b) > 1e-6 || Math.abs(c) > 1e-6 || a <= 0 || d <= 0) return undefined;
  const [x0, y0, x1, y1] = view;
  const w = Math.max(0, Math.min(x1, e + a) - Math.max(x0, e));
  const h = Math.max(0, Math.min(y1, f + d) - Math.max(y0, f));
  if ((w * h) / Math.max(1, (x1 - x0) * (y1 - y0)) < MIN_COVERAGE) return undefined;
  const dpiX = found.w / (a / 72);
  const dpiY = found.h / (d / 72);
  if (Math.abs(dpiX - dpiY) > 0.05 * dpiX) return undefined;
  return { objId: found.objId, dpi: dpiX };
}

function multiply(m: Matrix, n: readonly number[]): Matrix {
  const [a, b, c, d, e, f] = m;
  const [a2 = 1, b2 = 0, c2 = 0, d2 = 1, e2 = 0, f2 = 0] = n;
  return [a2 * a + b2 * c, a2 * b + b2 * d, c2 * a + d2 * c, c2 * b + d2 * d, e2 * a + f2 * c + e, e2 * b + f2 * d + f];
}

/** A decoded pdf.js image (page.objs): ImageKind 1 = 1-bit grey (1 is white), 2 = RGB, 3 = RGBA. */
export interface DecodedImage {
  width: number;
  height: number;
  kind?: number;
  data?: Uint8Array | Uint8ClampedArray;
}

/**
 * The image as 8-bit grey PGM (P5), transparent pixels on white; undefined for a kind or data
 * length this does not know.
 */
export function greyPgm(img: DecodedImage): Buffer | undefined {
  const { width, height, kind, data } = img;
  if (!data || !(width > 0) || !(height > 0)) return undefined;
  const header = Buffer.from(`P5\n${width} ${height}\n255\n`, 'latin1');
  const out = Buffer.allocUnsafe(header.length + width * height);
  header.copy(out, 0);
  let j = header.length;
  if (kind === 1) {
    const rowBytes = (width + 7) >> 3;
    if (data.length < rowBytes * height) return undefined;
    for (let y = 0; y < height; y++) {
      const row = y * rowBytes;
      for (let x = 0; x < width; x++) out[j++] = (data[row + (x >> 3)]! >> (7 - (x & 7))) & 1 ? 255 : 0;
    }
  } else if (kind === 2) {
    if (data.length < width * height * 3) return undefined;
    for (let i = 0, n = width * height * 3; i < n; i += 3) out[j++] = (data[i]! + 2 * data[i + 1]! + data[i + 2]!) >> 2;
  } else if (kind === 3) {
    if (data.length < width * height * 4) return undefined;
    for (let i = 0, n = width * height * 4; i < n; i += 4) {
      const grey = (data[i]! + 2 * data[i + 1]! + data[i + 2]!) >> 2;
      const alpha = data[i + 3]!;
      out[j++] = 255 - ((((255 - grey) * alpha + 127) / 255) | 0);
    }
  } else return undefined;
  return out;
}
