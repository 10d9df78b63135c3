/** Renders PDF pages to images in worker threads (render-worker.mjs), so the event loop stays free. */
import { PDFJS_OPTIONS } from './pdfjs.ts';
import { ThreadPool } from '../thread.ts';

const WORKER_URL = new URL('./render-worker.mjs', import.meta.url);
/** 300 dpi: what OCR engines are tuned for. */
const OCR_DPI = 300;
/** Cap on rendered pixels (a poster-sized page is scaled down to this). */
const MAX_PIXELS = 40_000_000;

export type ImageFormat = 'png' | 'pgm';

export interface RenderedPage {
  /** PNG, or 8-bit grey PGM when asked for (uncompressed: cheaper to make and to read). */
  image: Buffer;
  format: ImageFormat;
  width: number;
  height: number;
  /** The resolution the page was rendered at (OCR_DPI unless the pixel cap scaled it down). */
  dpi: number;
}

/** A pdf.js error raised while rendering (its name, e.g. InvalidPDFException, is kept). */
export class RenderError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/** The scale a page is rendered at: OCR_DPI, scaled down to the pixel budget for very large pages. */
export function renderScale(size: { width: number; height: number }): number {
  let scale = OCR_DPI / 72;
  const pixels = size.width * size.height * scale * scale;
  if (pixels > MAX_PIXELS) scale *= Math.sqrt(MAX_PIXELS / pixels);
  return scale;
}

export class RenderPool {
  private readonly threads: ThreadPool;

  constructor(size: number) {
    this.threads = new ThreadPool(size, WORKER_URL, 'render thread', (e) => new RenderError(e.name, e.message));
  }

  async render(
    key: string,
    bytes: Uint8Array,
    page: number,
    size: { width: number; height: number },
    signal?: AbortSignal,
    password?: string,
    format: ImageFormat = 'png',
  ): Promise<RenderedPage> {
    const scale = renderScale(size);
    const options = password === undefined ? PDFJS_OPTIONS : { ...PDFJS_OPTIONS, password };
    const reply = await this.threads.request<{ image: Uint8Array; width: number; height: number }>(
      { key, bytes, page, scale, format, options },
      signal,
    );
    const image = Buffer.from(reply.image.buffer, reply.image.byteOffset, reply.image.byteLength);
    return { image, format, width: reply.width, height: reply.height, dpi: scale * 72 };
  }

  /** Drops a document from every thread's cache. */
  forget(key: string): void {
    this.threads.forget(key);
  }

  close(): Promise<void> {
    return this.threads.close();
  }
}
