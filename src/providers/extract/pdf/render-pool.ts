/** Renders PDF pages to PNG in worker threads (render-worker.mjs), so the event loop stays free. */
import { Worker } from 'node:worker_threads';
import { PDFJS_OPTIONS } from './pdfjs.ts';
import { ResourcePool, type PoolResource } from '../pool.ts';

const WORKER_URL = new URL('./render-worker.mjs', import.meta.url);
/** 300 dpi: what OCR engines are tuned for. */
export const OCR_DPI = 300;
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

interface Pending {
  resolve(page: Omit<RenderedPage, 'dpi' | 'format'>): void;
  reject(err: Error): void;
}

type Reply = { id: number; image: Uint8Array; width: number; height: number } | { id: number; error: { name: string; message: string } };

/** A pdf.js error raised while rendering (its name, e.g. InvalidPDFException, is kept). */
export class RenderError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/** One render thread. Any thread error rejects its pending jobs and marks it dead (the pool replaces it). */
class RenderThread implements PoolResource {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  dead = false;

  constructor() {
    this.worker = new Worker(WORKER_URL, { execArgv: [], stdout: false, stderr: false });
    this.worker.unref();
    this.worker.on('message', (msg: Reply) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if ('error' in msg) p.reject(new RenderError(msg.error.name, msg.error.message));
      else p.resolve({ image: Buffer.from(msg.image.buffer, msg.image.byteOffset, msg.image.byteLength), width: msg.width, height: msg.height });
    });
    const fail = (err: Error) => {
      this.dead = true;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    this.worker.on('error', (err) => fail(new Error(`render thread failed: ${err.message}`)));
    this.worker.on('exit', (code) => fail(new Error(`render thread exited (code ${code})`)));
  }

  render(key: string, bytes: Uint8Array, page: number, size: { width: number; height: number }, format: ImageFormat, password?: string): Promise<RenderedPage> {
    if (this.dead) return Promise.reject(new Error('render thread is dead'));
    let scale = OCR_DPI / 72;
    const pixels = size.width * size.height * scale * scale;
    if (pixels > MAX_PIXELS) scale *= Math.sqrt(MAX_PIXELS / pixels);
    const id = this.nextId++;
    return new Promise<Omit<RenderedPage, 'dpi' | 'format'>>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage({ id, key, bytes, page, scale, format, options: password === undefined ? PDFJS_OPTIONS : { ...PDFJS_OPTIONS, password } });
    })
      .then((page) => ({ ...page, format, dpi: scale * 72 }))
      .finally(() => {
        if (this.pending.size === 0) this.worker.unref();
      });
  }

  forget(key: string): void {
    if (!this.dead) this.worker.postMessage({ forget: key });
  }

  async close(): Promise<void> {
    this.dead = true;
    await this.worker.terminate();
  }
}

export class RenderPool {
  private readonly pool: ResourcePool<RenderThread>;
  private readonly threads = new Set<RenderThread>();

  constructor(size: number) {
    this.pool = new ResourcePool(size, async () => {
      const t = new RenderThread();
      this.threads.add(t);
      return t;
    });
  }

  render(key: string, bytes: Uint8Array, page: number, size: { width: number; height: number }, signal?: AbortSignal, password?: string, format: ImageFormat = 'png'): Promise<RenderedPage> {
    return this.pool.run((t) => t.render(key, bytes, page, size, format, password), signal);
  }

  /** Drops a document from every thread's cache. */
  forget(key: string): void {
    for (const t of this.threads) {
      if (t.dead) this.threads.delete(t);
      else t.forget(key);
    }
  }

  async close(): Promise<void> {
    this.threads.clear();
    await this.pool.close();
  }
}
