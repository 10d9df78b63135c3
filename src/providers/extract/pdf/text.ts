/**
 * PDF extraction: one pdf.js on the main thread reads each page's text layer and operator list
 * (a few ms per page), routes the page (text layer or OCR), and hands OCR pages to the engine,
 * which renders and recognises them in worker threads, up to its concurrency at once.
 */
import { AnnotationMode, OPS, type PDFDocumentProxy, type PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { DocpipeError, PermanentError } from '../../../errors.ts';
import type { OcrEngine, PdfSource } from '../ocr/engine.ts';
import { annotationRuns, type FontInfo } from './annotations.ts';
import { pageColourShare } from './figures.ts';
import { imageCoverage, routePage, type Route } from './page-routing.ts';
import { openPdf, pdfError } from './pdfjs.ts';
import { layoutPage } from '../layout/index.ts';
import { fontMetrics, scanFontDescriptors, type FontDescriptors } from './fonts.ts';
import { runsOfContent } from './runs.ts';
import { RenderError } from './render-pool.ts';
import { textLines, type TextItemLike } from './text-layer.ts';
import { countChars, type ExtractResult, type PageInfo } from '../types.ts';
import { ocrSpan } from '../../../telemetry/spans.ts';

export interface PdfDeps {
  /** The OCR engine, created on first need (a text-only PDF never starts OCR threads). */
  engine(): OcrEngine;
  maxPages: number;
  signal?: AbortSignal;
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
}

/** Between pages of the extracted text. */
const PAGE_SEPARATOR = '\n\f\n';

interface AnalysedPage {
  text: string;
  figure?: boolean;
  route: Route;
  size: { width: number; height: number };
  /** An image-only page after typed pages: the share of coloured pixels in its images. */
  colour?: number;
}

export async function extractPdf(bytes: Buffer, name: string, key: string, deps: PdfDeps): Promise<ExtractResult> {
  const { doc, password } = await openPdf(bytes, name, deps.passwords);
  let engine: OcrEngine | undefined;
  try {
    const pageCount = doc.numPages;
    if (pageCount > deps.maxPages) {
      throw new PermanentError(`${name}: ${pageCount} pages, over providers.ocr.max_pages (${deps.maxPages})`, { code: 'DP_ERR_FILE_CORRUPT' });
    }
    const analysed: AnalysedPage[] = [];
    const fonts = scanFontDescriptors(bytes);
    for (let p = 1; p <= pageCount; p++) {
      deps.signal?.throwIfAborted();
      // the images of an image-only page after typed pages are checked for colour while pdf.js has them
      const typedSoFar = analysed.filter((a) => a.route.method === 'text-layer' && a.route.textChars > 0).length;
      analysed.push(await analysePage(doc, p, name, fonts, p > 1 && typedSoFar >= (p - 1) * BORN_DIGITAL));
      if (p % 25 === 0) await deps.heartbeat();
    }
    // image-only pages of a born-digital PDF: OCR'd (default), or kept as figures
    const figures = figureCandidates(analysed);
    for (const i of figures) {
      const page = analysed[i]!;
      if (deps.ocrFigures === false) {
        markFigure(page, "not OCR'd");
        continue;
      }
      const colour = page.colour ?? (await colourOf(doc, i + 1, name));
      if ((colour ?? 0) >= FIGURE_COLOUR) markFigure(page, `a colour image (${Math.round((colour ?? 0) * 100)}% coloured pixels), not OCR'd`);
    }
    const texts = analysed.map((a) => a.text);
    const pages: PageInfo[] = analysed.map((a, i) => ({ page: i + 1, method: 'text-layer', chars: countChars(a.text), confidence: 100, ...(a.figure ? { reason: a.route.reason } : {}) }));
    const ocrPages = analysed.flatMap((a, i) => (a.route.method === 'ocr' ? [i + 1] : []));
    if (ocrPages.length > 0) {
      engine = deps.engine();
      await deps.onOcrStart?.(engine.provider);
      const source: PdfSource = { key, bytes, pageCount, ...(password === undefined ? {} : { password }) };
      const ocrEngine = engine;
      await forEachLimited(ocrPages, engine.concurrency, async (p) => {
        deps.signal?.throwIfAborted();
        const page = analysed[p - 1] as AnalysedPage;
        const ocr = await ocrSpan(ocrEngine.provider, p, () => ocrEngine.pdfPage(source, p, page.size, deps.signal)).catch((err: unknown) => {
          throw err instanceof RenderError ? pdfError(err, name) : err;
        });
        const confidence = Math.round(ocr.confidence * 10) / 10;
        // a figure (map, photo) among typed pages reads as noise: its OCR text is not kept
        const figure = figures.has(p - 1) && confidence < FIGURE_CONFIDENCE;
        const text = figure ? '' : ocr.text.replace(/[ \t]+\n/g, '\n').trim();
        texts[p - 1] = text;
        pages[p - 1] = { page: p, method: 'ocr', chars: countChars(text), confidence, reason: figure ? `${FIGURE_REASON}: OCR confidence ${confidence}, no text kept` : page.route.reason };
        await deps.heartbeat();
      });
    }
    const provider = ocrPages.length === 0 ? 'pdf_text_layer' : engine?.provider ?? 'tesseract';
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
    await doc.destroy().catch(() => {});
  }
}

/**
 * Reads one page: its route (text layer or OCR) from the text lines and images, and for a
 * text-layer page its text in reading order (layout.ts, pdftotext's way of reading a page).
 */
async function analysePage(doc: PDFDocumentProxy, pageNumber: number, name: string, fonts: FontDescriptors, checkColour: boolean): Promise<AnalysedPage> {
  try {
    const page = await doc.getPage(pageNumber);
    const [x0 = 0, y0 = 0, x1 = 612, y1 = 792] = page.view;
    const width = x1 - x0;
    const height = y1 - y0;
    const content = await page.getTextContent();
    const items = content.items.filter((i): i is TextItemLike & typeof i => 'str' in i);
    const shifted = items.map((i) => ({ ...i, transform: [...i.transform.slice(0, 4), (i.transform[4] ?? 0) - x0, (i.transform[5] ?? 0) - y0] }));
    // ENABLE: the appearance streams of every annotation a reader sees, form fields included
    const ops = await page.getOperatorList({ annotationMode: AnnotationMode.ENABLE });
    const images = imageCoverage(ops.fnArray, ops.argsArray, OPS, [x0, y0, x1, y1]);
    const route = routePage({ width, height, lines: textLines(shifted), imageCoverage: images.coverage, imageCount: images.count });
    // After getOperatorList: the fonts are loaded, so runs get the PDF's font metrics.
    const text = route.method === 'text-layer' ? pageText(page, content, ops, fonts) : '';
    const colour = checkColour && route.method === 'ocr' && route.textChars === 0 ? await pageColourShare(page, imageIds(ops)) : undefined;
    page.cleanup();
    return { text, route, size: { width, height }, ...(colour === undefined ? {} : { colour }) };
  } catch (err) {
    throw pdfError(err, `${name} page ${pageNumber}`);
  }
}

/** The page's text in reading order: its content stream's text and the text its visible annotations draw. */
function pageText(page: PDFPageProxy, content: { items: readonly object[]; styles: object }, ops: { fnArray: number[]; argsArray: unknown[] }, fonts: FontDescriptors): string {
  const { runs, box } = runsOfContent(page, content, fonts);
  const view = page.getViewport({ scale: 1 }).transform;
  const annotations = ops.fnArray.includes(OPS.beginAnnotation) ? annotationRuns(ops.fnArray, ops.argsArray, OPS, view, (id) => fontInfo(page, id, fonts)) : [];
  return layoutPage(annotations.length ? [...runs, ...annotations] : runs, box);
}

/** A loaded font's matrix and metrics (pdftotext's metrics where the PDF's descriptors give them). */
function fontInfo(page: PDFPageProxy, id: string, fonts: FontDescriptors): FontInfo | undefined {
  if (!page.commonObjs.has(id)) return undefined;
  const font = page.commonObjs.get(id) as { name?: string; fontMatrix?: number[]; ascent?: number; descent?: number; vertical?: boolean } | null;
  if (!font) return undefined;
  const known = fontMetrics(font.name, fonts);
  const ascent = known?.ascent ?? (font.ascent && font.ascent > 0 && font.ascent < 3 ? font.ascent : 0.95);
  const descent = known?.descent ?? (font.descent && font.descent < 0 && font.descent > -3 ? font.descent : -0.35);
  return { fontMatrix: font.fontMatrix, ascent, descent, vertical: font.vertical };
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

/** Share of coloured pixels in the images of a page (read again: pages are not kept). */
async function colourOf(doc: PDFDocumentProxy, pageNumber: number, name: string): Promise<number | undefined> {
  try {
    const page = await doc.getPage(pageNumber);
    const ops = await page.getOperatorList();
    const share = await pageColourShare(page, imageIds(ops));
    page.cleanup();
    return share;
  } catch (err) {
    throw pdfError(err, `${name} page ${pageNumber}`);
  }
}

/** pdf.js object ids of the images a page paints. */
function imageIds(ops: { fnArray: number[]; argsArray: unknown[] }): string[] {
  const ids = new Set<string>();
  ops.fnArray.forEach((fn, i) => {
    const id = (ops.argsArray[i] as unknown[] | null)?.[0];
    if ((fn === OPS.paintImageXObject || fn === OPS.paintImageXObjectRepeat) && typeof id === 'string') ids.add(id);
  });
  return [...ids];
}

function isPdfJsError(err: unknown): boolean {
  const n = (err as { name?: string } | null)?.name ?? '';
  return /Exception$/.test(n) || n === 'UnknownErrorException';
}

/** Runs `fn` over `items` with at most `limit` in flight; the first failure stops new work and is thrown. */
async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: unknown;
  const lane = async () => {
    while (failed === undefined && next < items.length) {
      const item = items[next++] as T;
      try {
        await fn(item);
      } catch (err) {
        failed ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  if (failed !== undefined) throw failed;
}
