/**
 * Renders PDF pages to images in worker threads (render-thread.ts), so the event loop stays free,
 * and inspects the pages whose route depends on their images (decoding images is the costly part of
 * reading a scan: the main thread never does it).
 */
import type { TextCounts } from './page-routing.ts';
import { PDFJS_OPTIONS, withPassword } from './pdfjs.ts';
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

export interface PageInspection {
  imageCoverage: number;
  imageCount: number;
  /** Share of coloured pixels in the page's images (asked for an image-only page). */
  colour?: number;
  /** The page's OCR image (asked for, and the page goes to OCR). */
  image?: RenderedPage;
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

  constructor(readonly size: number) {
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
    const options = withPassword(PDFJS_OPTIONS, password);
    const reply = await this.threads.request<{ image: Uint8Array; width: number; height: number; dpi: number }>(
      { op: 'render', key, bytes, page, scale, format, options },
      signal,
    );
    const image = Buffer.from(reply.image.buffer, reply.image.byteOffset, reply.image.byteLength);
    return { image, format, width: reply.width, height: reply.height, dpi: reply.dpi };
  }

  /**
   * What a page's images say: their coverage and number, their colour when asked (an image-only
   * page that may be a figure), and its OCR image when `image` names a format and the page goes to
   * OCR (the scan itself for a page that is only a scan, else rendered at about 300 dpi).
   */
  async inspect(
    pdf: { key: string; bytes: Uint8Array; password?: string | undefined },
    page: number,
    facts: { size: { width: number; height: number }; counts: TextCounts; colour: boolean; image?: ImageFormat | undefined },
    signal?: AbortSignal,
  ): Promise<PageInspection> {
    const options = withPassword(PDFJS_OPTIONS, pdf.password);
    const reply = await this.threads.request<{
      images: { coverage: number; count: number };
      colour?: number;
      image?: Uint8Array;
      width?: number;
      height?: number;
      dpi?: number;
    }>({ op: 'inspect', key: pdf.key, bytes: pdf.bytes, page, options, ...facts }, signal);
    const out: PageInspection = { imageCoverage: reply.images.coverage, imageCount: reply.images.count };
    if (reply.colour !== undefined) out.colour = reply.colour;
    if (reply.image && facts.image) {
      out.image = {
        image: Buffer.from(reply.image.buffer, reply.image.byteOffset, reply.image.byteLength),
        format: facts.image,
        width: reply.width ?? 0,
        height: reply.height ?? 0,
        dpi: reply.dpi ?? 300,
      };
    }
    return out;
  }

  /** Drops a document from every thread's cache. */
  forget(key: string): void {
    this.threads.forget(key);
  }

  close(): Promise<void> {
    return this.threads.close();
  }
}
