/**
 * One page of a PDF read with pdf.js from a document opened without images (PDFJS_TEXT_OPTIONS):
 * its text in reading order (layout/, pdftotext's way of reading a page) and its route. A page with
 * too little text to be sure it is read from its text layer is left `pending`: its images decide
 * (RenderPool.inspect, in a render thread, decodes them once). Decoding images was most of the cost
 * of reading a page, and is wasted on a page of text. Runs on the main thread or in a text thread
 * (text-pool.ts): what it returns is plain data.
 */
import { AnnotationMode, OPS, type PDFDocumentProxy, type PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { annotationRuns, type FontInfo } from './annotations.ts';
import { fontMetrics, type FontDescriptors } from './fonts.ts';
import { needsImages, routeCounted, textCounts, type Route, type TextCounts } from './page-routing.ts';
import { pdfError } from './pdfjs.ts';
import { runsOfContent } from './runs.ts';
import { textLines, type TextItemLike } from './text-layer.ts';
import { layoutPage } from '../layout/index.ts';

export interface AnalysedPage {
  text: string;
  figure?: boolean;
  /** The route; for a pending page, the route it has if its images do not change it. */
  route: Route;
  size: { width: number; height: number };
  counts: TextCounts;
  /** Too little text to route the page without its images. */
  pending?: boolean;
  /** Share of coloured pixels in its images (an image-only page, inspected). */
  colour?: number;
  /** An image-only page of a born-digital PDF: a figure unless its OCR reads as text. */
  candidate?: boolean;
}

/** Reads one page's text and counts, and routes it when its text alone decides. */
export async function analysePage(doc: PDFDocumentProxy, pageNumber: number, name: string, fonts: FontDescriptors): Promise<AnalysedPage> {
  try {
    const page = await doc.getPage(pageNumber);
    const [x0 = 0, y0 = 0, x1 = 612, y1 = 792] = page.view;
    const width = x1 - x0;
    const height = y1 - y0;
    const content = await page.getTextContent();
    const items = content.items.filter((i): i is TextItemLike & typeof i => 'str' in i);
    const shifted = items.map((i) => ({
      ...i,
      transform: [...i.transform.slice(0, 4), (i.transform[4] ?? 0) - x0, (i.transform[5] ?? 0) - y0],
    }));
    const counts = textCounts(textLines(shifted), height);
    // ENABLE: the appearance streams of every annotation a reader sees, form fields included
    const ops = await page.getOperatorList({ annotationMode: AnnotationMode.ENABLE });
    // After getOperatorList: the fonts are loaded, so runs get the PDF's font metrics.
    const text = pageText(page, content, ops, fonts);
    page.cleanup();
    const route = routeCounted(counts, { imageCoverage: 0, imageCount: 0 });
    return { text, route, size: { width, height }, counts, ...(needsImages(counts) ? { pending: true } : {}) };
  } catch (err) {
    throw pdfError(err, `${name} page ${pageNumber}`);
  }
}

/** The page's text in reading order: its content stream's text and the text its visible annotations draw. */
function pageText(
  page: PDFPageProxy,
  content: { items: readonly object[]; styles: object },
  ops: { fnArray: number[]; argsArray: unknown[] },
  fonts: FontDescriptors,
): string {
  const { runs, box } = runsOfContent(page, content, fonts);
  const view = page.getViewport({ scale: 1 }).transform;
  const annotations = ops.fnArray.includes(OPS.beginAnnotation)
    ? annotationRuns(ops.fnArray, ops.argsArray, OPS, view, (id) => fontInfo(page, id, fonts))
    : [];
  return layoutPage(annotations.length ? [...runs, ...annotations] : runs, box);
}

/** A loaded font's matrix and metrics (pdftotext's metrics where the PDF's descriptors give them). */
function fontInfo(page: PDFPageProxy, id: string, fonts: FontDescriptors): FontInfo | undefined {
  if (!page.commonObjs.has(id)) return undefined;
  const font = page.commonObjs.get(id) as {
    name?: string;
    fontMatrix?: number[];
    ascent?: number;
    descent?: number;
    vertical?: boolean;
  } | null;
  if (!font) return undefined;
  const known = fontMetrics(font.name, fonts);
  const ascent = known?.ascent ?? (font.ascent && font.ascent > 0 && font.ascent < 3 ? font.ascent : 0.95);
  const descent = known?.descent ?? (font.descent && font.descent < 0 && font.descent > -3 ? font.descent : -0.35);
  return { fontMatrix: font.fontMatrix, ascent, descent, vertical: font.vertical };
}
