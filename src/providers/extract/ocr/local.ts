/**
 * Local OCR: page images (a bare scan as it is, other pages rendered at about 300 dpi in render
 * threads) recognised by the native tesseract binary (a pool of single-threaded processes) or by
 * tesseract.js threads.
 */
import type { OcrEngine, OcrText, PdfSource } from './engine.ts';
import type { ImageFormat, RenderedPage, RenderPool } from '../pdf/render-pool.ts';
import { NativeTesseractPool } from './native.ts';
import type { LocalOcrEngineName } from './select.ts';
import { TesseractPool } from './tesseract-pool.ts';

interface Recogniser {
  recognise(image: Buffer, opts: { dpi?: number }, signal?: AbortSignal): Promise<OcrText>;
  close(): Promise<void>;
}

/** The page image both local engines take: 8-bit grey PGM (no PNG encoding). */
export const LOCAL_PAGE_IMAGE: ImageFormat = 'pgm';

export class LocalOcrEngine implements OcrEngine {
  readonly provider = 'tesseract';
  private readonly recogniser: Recogniser;

  constructor(
    readonly concurrency: number,
    private readonly renderer: RenderPool,
    readonly engine: LocalOcrEngineName = 'tesseract.js',
    tesseractBinary = 'tesseract',
  ) {
    if (engine === 'native') {
      this.recogniser = new NativeTesseractPool({ binary: tesseractBinary, processes: concurrency });
    } else {
      const pool = new TesseractPool(concurrency);
      this.recogniser = { recognise: (image, _opts, signal) => pool.recognise(image, signal), close: () => pool.close() };
    }
  }

  readonly pageImage = LOCAL_PAGE_IMAGE;

  async pdfPage(
    pdf: PdfSource,
    page: number,
    size: { width: number; height: number },
    signal?: AbortSignal,
    image?: RenderedPage,
  ): Promise<OcrText> {
    if (image && image.format === this.pageImage) return this.recogniser.recognise(image.image, { dpi: image.dpi }, signal);
    const rendered = await this.renderer.render(pdf.key, pdf.bytes, page, size, signal, pdf.password, this.pageImage);
    signal?.throwIfAborted();
    return this.recogniser.recognise(rendered.image, { dpi: rendered.dpi }, signal);
  }

  image(bytes: Buffer, signal?: AbortSignal): Promise<OcrText> {
    return this.recogniser.recognise(bytes, {}, signal);
  }

  forget(key: string): void {
    this.renderer.forget(key);
  }

  close(): Promise<void> {
    return this.recogniser.close();
  }
}
