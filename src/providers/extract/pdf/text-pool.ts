/**
 * Text-layer extraction of a multi-page PDF across cores: text threads (text-worker.mjs), each with
 * its own pdf.js, read runs of pages; the main thread keeps routing, figures and OCR.
 */
import os from 'node:os';
import { PermanentError, type ErrorCode } from '../../../errors.ts';
import { forEachLimited } from '../pool.ts';
import { ThreadPool, type ThreadError } from '../thread.ts';
import type { AnalysedPage } from './page-analysis.ts';
import { PDFJS_TEXT_OPTIONS, withPassword } from './pdfjs.ts';
import { RenderError } from './render-pool.ts';

const WORKER_URL = new URL('./text-worker.mjs', import.meta.url);
/**
 * PDFs with fewer pages are read on the main thread: each thread that reads part of a PDF opens it
 * and loads its fonts again, which for a short PDF costs more than its pages (profiled on the
 * development corpus: a 17-page opinion took twice the CPU split over two threads, a 30-page one 1.2x).
 */
export const PARALLEL_FROM_PAGES = 20;
/** Fewest pages a thread reads per request (a PDF is split into one run per thread, at least this long). */
const RUN = 8;

function threadError(e: ThreadError): Error {
  return e.code ? new PermanentError(e.message, { code: e.code as ErrorCode }) : new RenderError(e.name, e.message);
}

export class TextPool {
  private readonly threads: ThreadPool;

  constructor(readonly size = Math.min(8, os.availableParallelism())) {
    this.threads = new ThreadPool(size, WORKER_URL, 'text thread', threadError);
  }

  /**
   * The analyses of pages 1..pageCount, in order. `onRun` is called after each run of pages (the
   * caller heartbeats); the first failure stops new runs and is thrown.
   */
  async analyse(
    pdf: { key: string; bytes: Uint8Array; name: string; pageCount: number; password?: string },
    onRun: () => Promise<void>,
    signal?: AbortSignal,
  ): Promise<AnalysedPage[]> {
    const options = withPassword(PDFJS_TEXT_OPTIONS, pdf.password);
    const runs: number[][] = [];
    const run = Math.max(RUN, Math.ceil(pdf.pageCount / this.size));
    for (let p = 1; p <= pdf.pageCount; p += run) runs.push(Array.from({ length: Math.min(run, pdf.pageCount - p + 1) }, (_, i) => p + i));
    const out: AnalysedPage[] = new Array(pdf.pageCount);
    await forEachLimited(runs, this.size, async (pages) => {
      signal?.throwIfAborted();
      const reply = await this.threads.request<{ pages: AnalysedPage[] }>(
        { key: pdf.key, bytes: pdf.bytes, name: pdf.name, pages, options },
        signal,
      );
      reply.pages.forEach((a, i) => (out[pages[i]! - 1] = a));
      await onRun();
    });
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
