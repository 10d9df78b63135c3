// Worker thread: renders PDF pages to PNG with pdf.js + @napi-rs/canvas, off the event loop.
// Plain JavaScript so it loads in a worker thread whatever TypeScript loader the process uses.
// Protocol (parentPort): in  { id, key, bytes, page, scale, format: 'png' | 'pgm', options } | { id, forget: key }
//                        out { id, image: Uint8Array, width, height } | { id, error: { name, message } }
// pgm: 8-bit grey, uncompressed (binary PNM), what the native tesseract reads fastest; png for the rest.
import { Buffer } from 'node:buffer';
import { parentPort } from 'node:worker_threads';
import { createCanvas } from '@napi-rs/canvas';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

const MAX_CACHED = 2;
/** key -> Promise<PDFDocumentProxy>, most recently used last. */
const docs = new Map();

function load(key, bytes, options) {
  let doc = docs.get(key);
  if (doc) {
    docs.delete(key);
  } else {
    doc = getDocument({ ...options, data: new Uint8Array(bytes) }).promise;
    doc.catch(() => docs.delete(key));
  }
  docs.set(key, doc);
  while (docs.size > MAX_CACHED) {
    const [oldKey, old] = docs.entries().next().value;
    docs.delete(oldKey);
    old.then((d) => d.destroy()).catch(() => {});
  }
  return doc;
}

/** Grey PGM (P5) of the canvas' RGBA pixels: no compression, a fraction of PNG encoding's time. */
function pgm(canvas) {
  const { width, height } = canvas;
  const rgba = canvas.data();
  const header = Buffer.from(`P5\n${width} ${height}\n255\n`, 'latin1');
  const out = Buffer.allocUnsafe(header.length + width * height);
  header.copy(out, 0);
  for (let i = 0, j = header.length; i < rgba.length; i += 4, j++) out[j] = (rgba[i] + 2 * rgba[i + 1] + rgba[i + 2]) >> 2;
  return out;
}

async function render({ key, bytes, page: pageNumber, scale, format, options }) {
  const doc = await load(key, bytes, options);
  const page = await doc.getPage(pageNumber);
  try {
    const viewport = page.getViewport({ scale });
    const canvas = createCanvas(Math.max(1, Math.ceil(viewport.width)), Math.max(1, Math.ceil(viewport.height)));
    const context = canvas.getContext('2d');
    context.fillStyle = '#ffffff';
    context.fillRect(0, 0, canvas.width, canvas.height);
    await page.render({ canvasContext: context, canvas, viewport, background: '#ffffff' }).promise;
    const image = format === 'pgm' ? pgm(canvas) : await canvas.encode('png');
    return { image, width: canvas.width, height: canvas.height };
  } finally {
    page.cleanup();
  }
}

parentPort.on('message', (msg) => {
  if (msg.forget !== undefined) {
    const doc = docs.get(msg.forget);
    docs.delete(msg.forget);
    doc?.then((d) => d.destroy()).catch(() => {});
    return;
  }
  render(msg).then(
    ({ image, width, height }) => {
      const out = new Uint8Array(image.buffer, image.byteOffset, image.byteLength);
      parentPort.postMessage({ id: msg.id, image: out, width, height });
    },
    (err) => parentPort.postMessage({ id: msg.id, error: { name: err?.name ?? 'Error', message: err?.message ?? String(err) } }),
  );
});
