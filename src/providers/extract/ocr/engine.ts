/** The OCR engine interface the PDF and image extractors use; local (tesseract) or Textract. */
import type { RenderedPage } from '../pdf/render-pool.ts';
import type { OcrText } from './tesseract-pool.ts';

export type { OcrText } from './tesseract-pool.ts';

/** A PDF already open on the main thread, identified by a key for the render threads' caches. */
export interface PdfSource {
  key: string;
  bytes: Uint8Array;
  pageCount: number;
  /** The password that opened it, for a password-protected PDF. */
  password?: string;
}

export interface OcrEngine {
  /** `ocr_provider` value: tesseract or textract. */
  readonly provider: 'tesseract' | 'textract';
  /** Pages OCR'd at once by this engine. */
  readonly concurrency: number;
  /**
   * OCRs a page of the PDF: `image` is the page's image when an inspection made it (in the format
   * `pageImage` names), else the engine renders the page itself.
   */
  pdfPage(
    pdf: PdfSource,
    page: number,
    size: { width: number; height: number },
    signal?: AbortSignal,
    image?: RenderedPage,
  ): Promise<OcrText>;
  image(bytes: Buffer, signal?: AbortSignal): Promise<OcrText>;
  /** Releases per-document caches (render threads keep the last PDFs open). */
  forget(key: string): void;
}
