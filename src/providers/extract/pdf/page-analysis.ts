/**
 * One page of a PDF read with pdf.js: its route (text layer or OCR) from the text lines and images,
 * and for a text-layer page its text in reading order (layout/, pdftotext's way of reading a page).
 * Runs on the main thread or in a text thread (text-pool.ts): what it returns is plain data.
 */
import { AnnotationMode, OPS, type PDFDocumentProxy, type PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { annotationRuns, type FontInfo } from './annotations.ts';
import { pageColourShare } from './figures.ts';
import { fontMetrics, type FontDescriptors } from './fonts.ts';
import { imageCoverage, routePage, type Route } from './page-routing.ts';
import { pdfError } from './pdfjs.ts';
import { runsOfContent } from './runs.ts';
import { textLines, type TextItemLike } from './text-layer.ts';
import { layoutPage } from '../layout/index.ts';

export interface AnalysedPage {
  text: string;
  figure?: boolean;
  route: Route;
  size: { width: number; height: number };
  /** An image-only page after typed pages: the share of coloured pixels in its images. */
  colour?: number;
}

/**
 * Reads one page: its route (text layer or OCR) from the text lines and images, and for a
 * text-layer page its text in reading order (layout.ts, pdftotext's way of reading a page).
 */
export async function analysePage(
  doc: PDFDocumentProxy,
  pageNumber: number,
  name: string,
  fonts: FontDescriptors,
  checkColour: boolean,
): Promise<AnalysedPage> {
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

/** Share of coloured pixels in the images of a page (read again: pages are not kept). */
export async function colourOf(doc: PDFDocumentProxy, pageNumber: number, name: string): Promise<number | undefined> {
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
