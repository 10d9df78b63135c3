/**
 * pdf.js text content as layout runs: each text item placed in device space (the page's view
 * box and /Rotate applied, y downwards), with its font size and the font's ascent and descent
 * (pdftotext's metrics where the PDF's font descriptors give them, else pdf.js's).
 */
import type { PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { fontMetrics, type FontDescriptors, type FontMetrics } from './fonts.ts';
import type { PageBox, TextRun } from '../layout/words.ts';

export interface ItemLike {
  str: string;
  transform: number[];
  width: number;
  height: number;
  fontName: string;
}

export interface StyleLike {
  ascent?: number;
  descent?: number;
  vertical?: boolean;
}

/** Font metrics when neither the PDF nor pdf.js gives usable ones. */
const DEFAULT_ASCENT = 0.95;
const DEFAULT_DESCENT = -0.35;

/**
 * The page's text runs. Call after page.getOperatorList() (it loads the fonts whose names map
 * pdf.js's font ids to the PDF's font descriptors); without it, pdf.js's metrics are used.
 */
export async function pageRuns(page: PDFPageProxy, descriptors: FontDescriptors): Promise<{ runs: TextRun[]; box: PageBox }> {
  return runsOfContent(page, await page.getTextContent(), descriptors);
}

/** pageRuns for text content already read. */
export function runsOfContent(
  page: PDFPageProxy,
  content: { items: readonly object[]; styles: object },
  descriptors: FontDescriptors,
): { runs: TextRun[]; box: PageBox } {
  const viewport = page.getViewport({ scale: 1 });
  const items = content.items.filter((i): i is ItemLike => 'str' in i);
  const styles = content.styles as Record<string, StyleLike | undefined>;
  const names = fontNames(page, Object.keys(styles));
  const runs = toRuns(items, styles, viewport.transform, (id) => fontMetrics(names.get(id), descriptors));
  return { runs, box: { width: viewport.width, height: viewport.height } };
}

/** pdf.js font ids to the fonts' PDF names (BaseFont), for fonts pdf.js has loaded. */
function fontNames(page: PDFPageProxy, ids: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const id of ids) {
    if (!page.commonObjs.has(id)) continue;
    const font = page.commonObjs.get(id) as { name?: unknown } | null;
    if (typeof font?.name === 'string') out.set(id, font.name);
  }
  return out;
}

/**
 * Pure part of pageRuns: items and styles from pdf.js, the viewport transform (PDF space to
 * device space), and the metrics of a font by pdf.js font id where known.
 */
function toRuns(
  items: readonly ItemLike[],
  styles: Record<string, StyleLike | undefined>,
  view: readonly number[],
  metricsOf: (fontId: string) => FontMetrics | undefined = () => undefined,
): TextRun[] {
  const runs: TextRun[] = [];
  for (const it of items) {
    if (!it.str || !it.str.trim()) continue;
    const m = multiply(view, it.transform);
    const fontSize = Math.hypot(m[2], m[3]);
    const style = styles[it.fontName];
    const known = metricsOf(it.fontName);
    const ascent = known?.ascent ?? validMetric(style?.ascent, 0, 3) ?? DEFAULT_ASCENT;
    const descent = known?.descent ?? validMetric(style?.descent, -3, 0) ?? DEFAULT_DESCENT;
    // pdf.js gives a vertical font's advance as the item's height.
    const width = style?.vertical ? Math.abs(it.height) : Math.abs(it.width);
    runs.push({ str: it.str, matrix: m, width, fontSize, ascent, descent, font: it.fontName });
  }
  return runs;
}

function validMetric(v: number | undefined, min: number, max: number): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v > min && v < max ? v : undefined;
}

function multiply(m: readonly number[], n: readonly number[]): [number, number, number, number, number, number] {
  const [a = 1, b = 0, c = 0, d = 1, e = 0, f = 0] = m;
  const [a2 = 1, b2 = 0, c2 = 0, d2 = 1, e2 = 0, f2 = 0] = n;
  return [a * a2 + c * b2, b * a2 + d * b2, a * c2 + c * d2, b * c2 + d * d2, a * e2 + c * f2 + e, b * e2 + d * f2 + f];
}
