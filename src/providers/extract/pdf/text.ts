/**
 * PDF extraction: pdf.js reads each page's text layer and operator list (a few ms per page) and
 * routes the page (text layer or OCR): on the main thread, or for a multi-page PDF in text threads
 * across cores (text-pool.ts). OCR pages go to the engine, which renders and recognises them in
 * worker threads or processes, up to its concurrency at once.
 */
import type { Span } from '@opentelemetry/api';
import type { PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { DocpipeError, PermanentError } from '../../../errors.ts';
import type { OcrEngine, PdfSource } from '../ocr/engine.ts';
import { forEachLimited } from '../pool.ts';
import { scanFontDescriptors } from './fonts.ts';
import { analysePage, colourOf, type AnalysedPage } from './page-analysis.ts';
import { openPdf, pdfError } from './pdfjs.ts';
import { RenderError } from './render-pool.ts';
import { PARALLEL_FROM_PAGES, type TextPool } from './text-pool.ts';
import { countChars, type ExtractResult, type PageInfo } from '../types.ts';
import { ocrSpan } from '../../../telemetry/spans.ts';

export interface PdfDeps {
  /** The OCR engine, created on first need (a text-only PDF never starts OCR threads). */
  engine(): OcrEngine;
  maxPages: number;
  signal?: AbortSignal;
  /** The span `ocr page` spans hang under. */
  span?: Span | undefined;
  heartbeat(): Promise<void>;
  /**
   * Route every page by its own text layer (default): an image-only page of a born-digital PDF (a
   * scanned exhibit appended to a typed brief) is OCR'd like any scan. `false` keeps such pages as
   * figures, not OCR'd, when most pages of the PDF have a text layer.
   */
  ocrFigures?: boolean;
  /** Passwords tried, in order, on a password-protected PDF (providers.ocr.pdf_passwords). */
  passwords?: readonly string[];
  /** Called once before the first page goes to OCR (Textract status bookkeeping). */
  onOcrStart?(provider: string): Promise<void>;
  /** Text threads for multi-page PDFs (created on first need); without it every page is read here. */
  textPool?(): TextPool;
}

/** Between pages of the extracted text. */
const PAGE_SEPARATOR = '\n\f\n';

export async function extractPdf(bytes: Buffer, name: string, key: string, deps: PdfDeps): Promise<ExtractResult> {
  const { doc, password } = await openPdf(bytes, name, deps.passwords);
  let engine: OcrEngine | undefined;
  let pooled = false;
  try {
    const pageCount = doc.numPages;
    pooled = deps.textPool !== undefined && pageCount >= PARALLEL_FROM_PAGES;
    if (pageCount > deps.maxPages) {
      throw new PermanentError(`${name}: ${pageCount} pages, over providers.ocr.max_pages (${deps.maxPages})`, {
        code: 'DP_ERR_FILE_CORRUPT',
      });
    }
    const analysed = await analysePages(doc, { bytes, name, key, pageCount, password }, deps);
    // image-only pages of a born-digital PDF: OCR'd (default), or kept as figures
    const figures = figureCandidates(analysed);
    for (const i of figures) {
      const page = analysed[i]!;
      if (deps.ocrFigures === false) {
        markFigure(page, "not OCR'd");
        continue;
      }
      const colour = page.colour ?? (await colourOf(doc, i + 1, name));
      if ((colour ?? 0) >= FIGURE_COLOUR)
        markFigure(page, `a colour image (${Math.round((colour ?? 0) * 100)}% coloured pixels), not OCR'd`);
    }
    const texts = analysed.map((a) => a.text);
    const pages: PageInfo[] = analysed.map((a, i) => ({
      page: i + 1,
      method: 'text-layer',
      chars: countChars(a.text),
      confidence: 100,
      ...(a.figure ? { reason: a.route.reason } : {}),
    }));
    const ocrPages = analysed.flatMap((a, i) => (a.route.method === 'ocr' ? [i + 1] : []));
    if (ocrPages.length > 0) {
      engine = deps.engine();
      await deps.onOcrStart?.(engine.provider);
      const source: PdfSource = { key, bytes, pageCount, ...(password === undefined ? {} : { password }) };
      const ocrEngine = engine;
      await forEachLimited(ocrPages, engine.concurrency, async (p) => {
        deps.signal?.throwIfAborted();
        const page = analysed[p - 1] as AnalysedPage;
        const ocr = await ocrSpan(deps.span, ocrEngine.provider, p, () => ocrEngine.pdfPage(source, p, page.size, deps.signal)).catch(
          (err: unknown) => {
            throw err instanceof RenderError ? pdfError(err, name) : err;
          },
        );
        const confidence = Math.round(ocr.confidence * 10) / 10;
        // a figure (map, photo) among typed pages reads as noise: its OCR text is not kept
        const figure = figures.has(p - 1) && confidence < FIGURE_CONFIDENCE;
        const text = figure ? '' : ocr.text.replace(/[ \t]+\n/g, '\n').trim();
        texts[p - 1] = text;
        pages[p - 1] = {
          page: p,
          method: 'ocr',
          chars: countChars(text),
          confidence,
          reason: figure ? `${FIGURE_REASON}: OCR confidence ${confidence}, no text kept` : page.route.reason,
        };
        await deps.heartbeat();
      });
    }
    const provider = ocrPages.length === 0 ? 'pdf_text_layer' : (engine?.provider ?? 'tesseract');
    return {
      text: joinPages(texts, pages),
      pages,
      pageCount,
      provider,
      metadata: { pages_text_layer: pageCount - ocrPages.length, pages_ocr: ocrPages.length },
    };
  } catch (err) {
    if (err instanceof DocpipeError || deps.signal?.aborted) throw err;
    if (isPdfJsError(err)) throw pdfError(err, name);
    throw err;
  } finally {
    engine?.forget(key);
    if (pooled) deps.textPool?.().forget(key);
    await doc.destroy().catch(() => {});
  }
}

/** Every page's analysis: in the text threads for a multi-page PDF, else here, one page after the other. */
async function analysePages(
  doc: PDFDocumentProxy,
  pdf: { bytes: Buffer; name: string; key: string; pageCount: number; password?: string },
  deps: PdfDeps,
): Promise<AnalysedPage[]> {
  if (deps.textPool && pdf.pageCount >= PARALLEL_FROM_PAGES) {
    let done = 0;
    return deps.textPool().analyse(
      pdf,
      async () => {
        if (++done % 6 === 0) await deps.heartbeat();
      },
      deps.signal,
    );
  }
  const analysed: AnalysedPage[] = [];
  const fonts = scanFontDescriptors(pdf.bytes);
  for (let p = 1; p <= pdf.pageCount; p++) {
    deps.signal?.throwIfAborted();
    // the images of an image-only page after typed pages are checked for colour while pdf.js has them
    const typedSoFar = analysed.filter((a) => a.route.method === 'text-layer' && a.route.textChars > 0).length;
    analysed.push(await analysePage(doc, p, pdf.name, fonts, p > 1 && typedSoFar >= (p - 1) * BORN_DIGITAL));
    if (p % 25 === 0) await deps.heartbeat();
  }
  return analysed;
}

/** Pages joined by a form feed (as pdftotext does); each page's [start, end) offsets are recorded. */
export function joinPages(texts: readonly string[], pages: PageInfo[]): string {
  let out = '';
  texts.forEach((t, i) => {
    if (i > 0) out += PAGE_SEPARATOR;
    const page = pages[i];
    if (page) Object.assign(page, { start: out.length, end: out.length + t.length });
    out += t;
  });
  return out;
}

/** Share of text-layer pages from which a PDF counts as born-digital. */
const BORN_DIGITAL = 2 / 3;
/** An image-only page of a born-digital PDF with this share of coloured pixels is a figure: not OCR'd. */
const FIGURE_COLOUR = 0.05;
/** Below this mean OCR confidence, an image-only page of a born-digital PDF is a figure, not a scan. */
const FIGURE_CONFIDENCE = 60;
const FIGURE_REASON = 'image-only page in a born-digital PDF (a figure)';

/** Indexes of the pages that are only an image (no text, not even a stamp) in a born-digital PDF. */
function figureCandidates(pages: readonly AnalysedPage[]): Set<number> {
  const out = new Set<number>();
  const textPages = pages.filter((p) => p.route.method === 'text-layer' && p.route.textChars > 0).length;
  if (textPages < pages.length * BORN_DIGITAL) return out;
  pages.forEach((p, i) => {
    if (p.route.method === 'ocr' && p.route.textChars === 0) out.add(i);
  });
  return out;
}

/** A figure keeps its (empty) text layer and is not OCR'd. */
function markFigure(page: AnalysedPage, why: string): void {
  page.route = { ...page.route, method: 'text-layer', reason: `${FIGURE_REASON}: ${why}` };
  page.figure = true;
}

function isPdfJsError(err: unknown): boolean {
  const n = (err as { name?: string } | null)?.name ?? '';
  return /Exception$/.test(n) || n === 'UnknownErrorException';
}
