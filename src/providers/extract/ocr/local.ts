/** Local OCR: pages rendered at 300 dpi in render threads, recognised in tesseract.js threads. */
import type { OcrEngine, OcrText, PdfSource } from './engine.ts';
import { RenderPool } from '../pdf/render-pool.ts';
import { TesseractPool } from './tesseract-pool.ts';

export class LocalOcrEngine implements OcrEngine {
  readonly provider = 'tesseract';
  private readonly tesseract: TesseractPool;

  constructor(
    readonly concurrency: number,
    private readonly renderer: RenderPool,
  ) {
    this.tesseract = new TesseractPool(concurrency);
  }

  async pdfPage(pdf: PdfSource, page: number, size: { width: number; height: number }, signal?: AbortSignal): Promise<OcrText> {
    const rendered = await this.renderer.render(pdf.key, pdf.bytes, page, size, signal, pdf.password);
    signal?.throwIfAborted();
    return this.tesseract.recognise(rendered.png, signal);
  }

  image(bytes: Buffer, signal?: AbortSignal): Promise<OcrText> {
    return this.tesseract.recognise(bytes, signal);
  }

  forget(key: string): void {
    this.renderer.forget(key);
  }

  close(): Promise<void> {
    return this.tesseract.close();
  }
}
