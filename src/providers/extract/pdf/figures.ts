/**
 * Tells a figure from a scan without OCR: an image-only page of a born-digital PDF whose image is
 * in colour (a map, a photo, a chart) is a figure; a scanned page is black, grey or off-white
 * paper. Reads the decoded image pdf.js has already made for the operator list, a sample of its
 * pixels.
 */
import type { PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';

/** pdf.js ImageKind: 1 bit grey, 24-bit RGB, 32-bit RGBA. */
const RGB_24BPP = 2;
const RGBA_32BPP = 3;
/** A pixel whose channels differ by more than this is coloured (0-255). */
const CHROMA = 60;
/** Pixels sampled per image. */
const SAMPLES = 20_000;
/** How long to wait for pdf.js to hand over an image's data. */
const WAIT_MS = 2000;

export interface ImageData {
  width: number;
  height: number;
  kind?: number;
  data?: Uint8Array | Uint8ClampedArray;
}

/** Share of coloured pixels in a decoded image (0 for grey images). */
function colourShare(img: ImageData): number {
  const channels = img.kind === RGB_24BPP ? 3 : img.kind === RGBA_32BPP ? 4 : 0;
  const data = img.data;
  if (!channels || !data) return 0;
  const pixels = Math.floor(data.length / channels);
  const step = Math.max(1, Math.floor(pixels / SAMPLES));
  let coloured = 0;
  let seen = 0;
  for (let p = 0; p < pixels; p += step) {
    const i = p * channels;
    const r = data[i]!;
    const g = data[i + 1]!;
    const b = data[i + 2]!;
    if (Math.max(r, g, b) - Math.min(r, g, b) > CHROMA) coloured++;
    seen++;
  }
  return seen ? coloured / seen : 0;
}

/**
 * The largest colour share among the images the page paints (ids from its operator list), or
 * undefined when pdf.js gives no decoded data in time.
 */
export async function pageColourShare(page: PDFPageProxy, imageIds: readonly string[]): Promise<number | undefined> {
  let best: number | undefined;
  for (const id of imageIds) {
    const img = await imageOf(page, id);
    if (!img) continue;
    best = Math.max(best ?? 0, colourShare(img));
  }
  return best;
}

/** A decoded image pdf.js made for the page's operator list (undefined when it gives none in time). */
export function imageOf(page: PDFPageProxy, id: string): Promise<ImageData | undefined> {
  const objs = id.startsWith('g_') ? page.commonObjs : page.objs;
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), WAIT_MS);
    try {
      objs.get(id, (img: unknown) => {
        clearTimeout(timer);
        resolve(img && typeof img === 'object' ? (img as ImageData) : undefined);
      });
    } catch {
      clearTimeout(timer);
      resolve(undefined);
    }
  });
}

/** pdf.js object ids of the images a page paints (OPS codes passed in: this module does not load pdf.js). */
export function imageIds(
  ops: { fnArray: number[]; argsArray: unknown[] },
  codes: { paintImageXObject: number; paintImageXObjectRepeat: number },
): string[] {
  const ids = new Set<string>();
  ops.fnArray.forEach((fn, i) => {
    const id = (ops.argsArray[i] as unknown[] | null)?.[0];
    if ((fn === codes.paintImageXObject || fn === codes.paintImageXObjectRepeat) && typeof id === 'string') ids.add(id);
  });
  return [...ids];
}
