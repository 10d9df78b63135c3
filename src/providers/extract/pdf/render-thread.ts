/**
 * Inside a render thread (render-worker.mjs): renders PDF pages with pdf.js + @napi-rs/canvas off
 * the event loop, and inspects the pages whose route depends on their images (the main thread reads
 * text without decoding images): the images' coverage, their colour, and, for a page that goes to
 * OCR, its image — the scan itself when the page is only a scan (scan-image.ts), else rendered. One
 * decode per page: the rendering reuses the operator list and images the inspection made.
 * Protocol (parentPort):
 *   in  { id, op: 'render', key, bytes, page, scale, format, options }
 *     | { id, op: 'inspect', key, bytes, page, size, counts, colour, image?: format, options }
 *     | { forget: key }
 *   out { id, image: Uint8Array, width, height, dpi } | { id, images, colour?, page? } | { id, error: { name, message } }
 */
import { parentPort } from 'node:worker_threads';
import { createCanvas } from '@napi-rs/canvas';
import { AnnotationMode, OPS, type PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { imageIds, imageOf, pageColourShare } from './figures.ts';
import { OpenDocs } from './open-docs.ts';
import { imageCoverage, routeCounted, type TextCounts } from './page-routing.ts';
import { renderScale, type ImageFormat } from './render-pool.ts';
import { DIRECT_MAX_DPI, DIRECT_MIN_DPI, greyPgm, scanImageOf } from './scan-image.ts';

const docs = new OpenDocs((doc) => ({ doc }));

interface PageImage {
  image: Buffer;
  width: number;
  height: number;
  dpi: number;
}

// Annotation appearances (form fields included) are drawn, as the inspection's operator list has
// them: the same list, so rendering after inspecting reuses it and its decoded images.
const ANNOTATIONS = AnnotationMode.ENABLE;

type RenderParams = Parameters<PDFPageProxy['render']>[0];

async function renderPage(page: PDFPageProxy, scale: number, format: ImageFormat): Promise<PageImage> {
  const viewport = page.getViewport({ scale });
  const canvas = createCanvas(Math.max(1, Math.ceil(viewport.width)), Math.max(1, Math.ceil(viewport.height)));
  const context = canvas.getContext('2d');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  await page.render({
    canvasContext: context as unknown as RenderParams['canvasContext'],
    canvas: canvas as unknown as RenderParams['canvas'],
    viewport,
    background: '#ffffff',
    annotationMode: ANNOTATIONS,
  }).promise;
  // grey PGM (P5) of the canvas' RGBA pixels: no compression, a fraction of PNG encoding's time
  const image =
    format === 'pgm'
      ? (greyPgm({ width: canvas.width, height: canvas.height, kind: 3, data: canvas.data() }) as Buffer)
      : await canvas.encode('png');
  return { image, width: canvas.width, height: canvas.height, dpi: scale * 72 };
}

interface RenderRequest {
  op: 'render';
  key: string;
  bytes: Uint8Array;
  page: number;
  scale: number;
  format: ImageFormat;
  options: object;
}

async function render(msg: RenderRequest): Promise<PageImage> {
  const { doc } = await docs.open(msg.key, msg.bytes, msg.options);
  const page = await doc.getPage(msg.page);
  try {
    return await renderPage(page, msg.scale, msg.format);
  } finally {
    page.cleanup();
  }
}

interface InspectRequest {
  op: 'inspect';
  key: string;
  bytes: Uint8Array;
  page: number;
  size: { width: number; height: number };
  counts: TextCounts;
  /** Measure the colour of an image-only page's images (a figure candidate). */
  colour: boolean;
  /** Make the page's OCR image in this format when the page goes to OCR. */
  image?: ImageFormat;
  options: object;
}

async function inspect(msg: InspectRequest) {
  const { doc } = await docs.open(msg.key, msg.bytes, msg.options);
  const page = await doc.getPage(msg.page);
  try {
    const [x0 = 0, y0 = 0, x1 = 612, y1 = 792] = page.view;
    const ops = await page.getOperatorList({ annotationMode: ANNOTATIONS });
    const images = imageCoverage(ops.fnArray, ops.argsArray, OPS, [x0, y0, x1, y1]);
    const route = routeCounted(msg.counts, { imageCoverage: images.coverage, imageCount: images.count });
    const ocr = route.method === 'ocr';
    const colour = msg.colour && ocr && msg.counts.textChars === 0 ? await pageColourShare(page, imageIds(ops, OPS)) : undefined;
    const image = ocr && msg.image ? await ocrImage(page, ops, msg.image, msg.size) : undefined;
    return { images, ...(colour === undefined ? {} : { colour }), ...(image ? { page: image } : {}) };
  } finally {
    page.cleanup();
  }
}

/** The page's OCR image: its scan as it is when the page is only a scan at about 300 dpi, else rendered. */
async function ocrImage(
  page: PDFPageProxy,
  ops: { fnArray: number[]; argsArray: unknown[] },
  format: ImageFormat,
  size: { width: number; height: number },
): Promise<PageImage> {
  if (format === 'pgm') {
    const scan = scanImageOf(ops.fnArray, ops.argsArray, OPS, page.view as [number, number, number, number], page.rotate);
    if (scan && scan.dpi >= DIRECT_MIN_DPI && scan.dpi <= DIRECT_MAX_DPI) {
      const decoded = await imageOf(page, scan.objId);
      const image = decoded && greyPgm(decoded);
      if (decoded && image) return { image, width: decoded.width, height: decoded.height, dpi: Math.round(scan.dpi) };
    }
  }
  return renderPage(page, renderScale(size), format);
}

function reply(id: number, out: Record<string, unknown>, image?: Buffer): void {
  if (!image) return parentPort?.postMessage({ id, ...out });
  const bytes = new Uint8Array(image.buffer, image.byteOffset, image.byteLength);
  // a buffer of its own is moved, not copied (a small pooled one is copied)
  const whole = image.byteOffset === 0 && image.byteLength === image.buffer.byteLength;
  parentPort?.postMessage({ id, ...out, image: bytes }, whole ? [bytes.buffer as ArrayBuffer] : []);
}

parentPort?.on('message', (msg: ((RenderRequest | InspectRequest) & { id: number }) | { forget: string }) => {
  if ('forget' in msg) {
    docs.forget(msg.forget);
    return;
  }
  const done =
    msg.op === 'inspect'
      ? inspect(msg).then(({ page, ...rest }) =>
          reply(msg.id, { ...rest, ...(page ? { width: page.width, height: page.height, dpi: page.dpi } : {}) }, page?.image),
        )
      : render(msg).then(({ image, ...rest }) => reply(msg.id, rest, image));
  done.catch((err: unknown) => {
    const e = err as { name?: string; message?: string } | null;
    parentPort?.postMessage({ id: msg.id, error: { name: e?.name ?? 'Error', message: e?.message ?? String(err) } });
  });
});
