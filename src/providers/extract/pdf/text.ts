/**
 * PDF extraction: pdf.js reads each page's text layer (a few ms per page, no image decoded) on the
 * main thread, or for a multi-page PDF in text threads across cores (text-pool.ts). A page with too
 * little text to be sure of its route is inspected in a render thread, which decodes its images
 * once: their coverage routes it, their colour tells a figure from a scan, and a page going to OCR
 * leaves with its image (the scan itself for a page that is only a scan). OCR pages go to the
 * engine, up to its concurrency at once.
 */
import type { Span } from '@opentelemetry/api';
import type { PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { DocpipeError, PermanentError } from '../../../errors.ts';
import type { OcrEngine, PdfSource } from '../ocr/engine.ts';
import { forEachLimited } from '../pool.ts';
import { scanFontDescriptors } from './fonts.ts';
import { analysePage, type AnalysedPage } from './page-analysis.ts';
import { routeCounted } from './page-routing.ts';
import { openPdf, pdfError, PDFJS_TEXT_OPTIONS } from './pdfjs.ts';
import { RenderError, type ImageFormat, type RenderedPage, type RenderPool } from './render-pool.ts';
import { PARALLEL_FROM_PAGES, type TextPool } from './text-pool.ts';
import { countChars, type ExtractResult, type PageInfo } from '../types.ts';
import { ocrSpan } from '../../../telemetry/spans.ts';

export interface PdfDeps {
  /** The OCR engine, created on first need (a text-only PDF never starts OCR threads). */
  engine(): OcrEngine;
  /** The render threads, created on first need (a page whose route its images decide). */
  renderer(): RenderPool;
  /** The page image the OCR engine takes ready-made from an inspection (none: it renders its own). */
  ocrImageFormat?(): ImageFormat | undefined;
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
  const { doc, password } = await openPdf(bytes, name, deps.passwords, PDFJS_TEXT_OPTIONS);
  let engine: OcrEngine | undefined;
  let inspected = false;
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
    const texts = analysed.map((a) => a.text);
    const pages: PageInfo[] = analysed.map((a, i) => ({ page: i + 1, method: 'text-layer', chars: countChars(a.text), confidence: 100 }));
    const source: PdfSource = { key, bytes, pageCount, ...(password === undefined ? {} : { password }) };
    let started: Promise<void> | undefined;

    const ocrPage = async (i: number, image?: RenderedPage): Promise<void> => {
      deps.signal?.throwIfAborted();
      const ocrEngine = (engine ??= deps.engine());
      await (started ??= deps.onOcrStart?.(ocrEngine.provider) ?? Promise.resolve());
      const page = analysed[i] as AnalysedPage;
      const ocr = await ocrSpan(deps.span, ocrEngine.provider, i + 1, () =>
        ocrEngine.pdfPage(source, i + 1, page.size, deps.signal, image),
      ).catch((err: unknown) => {
        throw err instanceof RenderError ? pdfError(err, name) : err;
      });
      const confidence = Math.round(ocr.confidence * 10) / 10;
      // a figure (map, photo) among typed pages reads as noise: its OCR text is not kept
      const figure = page.candidate === true && confidence < FIGURE_CONFIDENCE;
      const text = figure ? '' : ocr.text.replace(/[ \t]+\n/g, '\n').trim();
      texts[i] = text;
      pages[i] = {
        page: i + 1,
        method: 'ocr',
        chars: countChars(text),
        confidence,
        reason: figure ? `${FIGURE_REASON}: OCR confidence ${confidence}, no text kept` : page.route.reason,
      };
      await deps.heartbeat();
    };

    const pending = analysed.flatMap((a, i) => (a.pending ? [i] : []));
    if (pending.length > 0) {
      const renderer = deps.renderer();
      inspected = true;
      // Whether the PDF is born-digital (figures are told apart only there) is often clear before
      // any image is read; then each page is inspected and OCR'd in one go, its image decoded once.
      let bornDigital = bornDigitalBound(analysed);
      const inspect = async (i: number, image: ImageFormat | undefined) => {
        const page = analysed[i] as AnalysedPage;
        const seen = await renderer
          .inspect(
            source,
            i + 1,
            { size: page.size, counts: page.counts, colour: bornDigital !== false && page.counts.textChars === 0, image },
            deps.signal,
          )
          .catch((err: unknown) => {
            throw err instanceof RenderError ? pdfError(err, `${name} page ${i + 1}`) : err;
          });
        page.route = routeCounted(page.counts, seen);
        delete page.pending;
        if (seen.colour !== undefined) page.colour = seen.colour;
        return seen.image;
      };
      if (bornDigital === undefined) {
        await forEachLimited(pending, renderer.size, async (i) => void (await inspect(i, undefined)));
        bornDigital = bornDigitalBound(analysed) ?? false;
        await forEachLimited(pending, renderer.size, async (i) => {
          if (toOcr(analysed[i] as AnalysedPage, bornDigital === true, deps.ocrFigures)) await ocrPage(i);
        });
      } else {
        const format = deps.ocrImageFormat?.();
        await forEachLimited(pending, renderer.size, async (i) => {
          deps.signal?.throwIfAborted();
          const page = analysed[i] as AnalysedPage;
          const skipImage = bornDigital === true && page.counts.textChars === 0 && deps.ocrFigures === false;
          const image = await inspect(i, skipImage ? undefined : format);
          if (toOcr(page, bornDigital === true, deps.ocrFigures)) await ocrPage(i, image);
        });
      }
      for (const i of pending) {
        const page = analysed[i] as AnalysedPage;
        if (page.figure && pages[i]) pages[i] = { ...pages[i], reason: page.route.reason };
      }
    }
    const ocrPages = pages.filter((p) => p.method === 'ocr').length;
    const provider = ocrPages === 0 ? 'pdf_text_layer' : (engine?.provider ?? 'tesseract');
    return {
      text: joinPages(texts, pages),
      pages,
      pageCount,
      provider,
      metadata: { pages_text_layer: pageCount - ocrPages, pages_ocr: ocrPages },
    };
  } catch (err) {
    if (err instanceof DocpipeError || deps.signal?.aborted) throw err;
    if (isPdfJsError(err)) throw pdfError(err, name);
    throw err;
  } finally {
    if (inspected || engine) deps.renderer().forget(key);
    if (pooled) deps.textPool?.().forget(key);
    await doc.destroy().catch(() => {});
  }
}

/**
 * Whether a routed page goes to OCR. An image-only page of a born-digital PDF is a figure
 * candidate: kept as a figure without OCR when it is in colour or when figures are not OCR'd.
 */
function toOcr(page: AnalysedPage, bornDigital: boolean, ocrFigures: boolean | undefined): boolean {
  if (page.route.method !== 'ocr') return false;
  if (!bornDigital || page.route.textChars > 0) return true;
  page.candidate = true;
  if (ocrFigures === false) {
    markFigure(page, "not OCR'd");
    return false;
  }
  const colour = page.colour ?? 0;
  if (colour >= FIGURE_COLOUR) {
    markFigure(page, `a colour image (${Math.round(colour * 100)}% coloured pixels), not OCR'd`);
    return false;
  }
  return true;
}

/**
 * Whether the PDF is born-digital (most pages have a text layer): true or false when the pages read
 * so far decide it whatever the pending pages turn out, undefined when they do not.
 */
function bornDigitalBound(pages: readonly AnalysedPage[]): boolean | undefined {
  const need = pages.length * BORN_DIGITAL;
  let sure = 0;
  let maybe = 0;
  for (const p of pages) {
    if (p.pending) maybe += p.counts.textChars > 0 ? 1 : 0;
    else if (p.route.method === 'text-layer' && p.route.textChars > 0) sure++;
  }
  if (sure >= need) return true;
  if (sure + maybe < need) return false;
  return undefined;
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
    analysed.push(await analysePage(doc, p, pdf.name, fonts));
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

/** A figure keeps its (empty) text layer and is not OCR'd. */
function markFigure(page: AnalysedPage, why: string): void {
  page.route = { ...page.route, method: 'text-layer', reason: `${FIGURE_REASON}: ${why}` };
  page.figure = true;
}

function isPdfJsError(err: unknown): boolean {
  const n = (err as { name?: string } | null)?.name ?? '';
  return /Exception$/.test(n) || n === 'UnknownErrorException';
}
