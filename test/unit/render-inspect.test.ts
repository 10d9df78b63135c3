// RenderPool.inspect: a page's images decide its route (coverage, count, colour), and an OCR page
// leaves with its image — its own scan when the page is only an upright scan at about 300 dpi,
// else rendered at 300 dpi. Generated PDFs (pdf-lib) with images whose pixels are known.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { createCanvas } from '@napi-rs/canvas';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { RenderPool } from '../../src/providers/extract/pdf/render-pool.ts';

const pool = new RenderPool(1);
after(() => pool.close());

/** A letter-size scan at `dpi`: white paper, a black bar across the top tenth, optionally a red block. */
function scanPng(dpi: number, colour = false): { png: Buffer; width: number; height: number } {
  const width = Math.round(8.5 * dpi);
  const height = Math.round(11 * dpi);
  const canvas = createCanvas(width, height);
  const g = canvas.getContext('2d');
  g.fillStyle = '#ffffff';
  g.fillRect(0, 0, width, height);
  g.fillStyle = '#000000';
  g.fillRect(0, 0, width, Math.round(height / 10));
  if (colour) {
    g.fillStyle = '#ff0000';
    g.fillRect(0, Math.round(height / 2), width, Math.round(height / 2));
  }
  return { png: canvas.toBuffer('image/png'), width, height };
}

async function pdfOf(png: Buffer, opts: { stamp?: string; box?: { x: number; y: number; width: number; height: number } } = {}) {
  const doc = await PDFDocument.create();
  const page = doc.addPage([612, 792]);
  const image = await doc.embedPng(png);
  page.drawImage(image, opts.box ?? { x: 0, y: 0, width: 612, height: 792 });
  if (opts.stamp) page.drawText(opts.stamp, { x: 40, y: 20, size: 9, font: await doc.embedFont(StandardFonts.Helvetica) });
  return Buffer.from(await doc.save());
}

/** A letter page rendered at 300 dpi: 2550 × 3300 pixels (the canvas rounds up: 3301). */
function assertLetterAt300(image: Buffer, why: string): void {
  const [w, h] = pgmSize(image);
  assert.ok(w >= 2550 && w <= 2551 && h >= 3300 && h <= 3301, `${why}: ${w} × ${h}`);
}

let n = 0;
async function inspect(pdf: Buffer, counts = { textChars: 0, bodyChars: 0 }, colour = false) {
  return pool.inspect({ key: `inspect-${++n}`, bytes: pdf }, 1, { size: { width: 612, height: 792 }, counts, colour, image: 'pgm' });
}

function pgmSize(image: Buffer): [number, number] {
  const m = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(image.subarray(0, 32).toString('latin1'));
  assert.ok(m, 'a binary PGM');
  return [Number(m[1]), Number(m[2])];
}

test("a page that is only a 400-dpi scan is OCR'd from the scan itself, pixel for pixel (not rendered at 300 dpi)", async () => {
  const scan = scanPng(400);
  const seen = await inspect(await pdfOf(scan.png));
  assert.equal(seen.imageCount, 1);
  assert.ok(seen.imageCoverage > 0.99);
  assert.ok(seen.image);
  assert.equal(seen.image.dpi, 400);
  assert.deepEqual(pgmSize(seen.image.image), [scan.width, scan.height]);
  const pixels = seen.image.image.subarray(seen.image.image.length - scan.width * scan.height);
  assert.equal(pixels[0], 0, 'the bar at the top is black');
  assert.equal(pixels[Math.round(scan.height / 10 + 5) * scan.width], 255, 'the paper below it white');
});

test('a scan below 250 dpi, or with a stamp over it, is rendered at 300 dpi', async () => {
  const low = await inspect(await pdfOf(scanPng(144).png));
  assert.ok(low.image);
  assertLetterAt300(low.image.image, 'upsampled to 300 dpi');
  assert.equal(low.image.dpi, 300);

  const stamped = await inspect(await pdfOf(scanPng(400).png, { stamp: 'Case 1:20-cv-01234 Document 5' }), { textChars: 24, bodyChars: 0 });
  assert.ok(stamped.image);
  assertLetterAt300(stamped.image.image, 'rendered (the stamp is part of the page), not the 400-dpi scan (3400 wide)');
});

test('the images route the page: a small logo on a blank page goes to OCR; colour is measured when asked', async () => {
  const logo = await inspect(await pdfOf(scanPng(30).png, { box: { x: 72, y: 650, width: 100, height: 60 } }));
  assert.equal(logo.imageCount, 1);
  assert.ok(logo.imageCoverage < 0.05);
  assert.ok(logo.image, 'an image with no text goes to OCR');

  const withText = await inspect(await pdfOf(scanPng(30).png, { box: { x: 72, y: 650, width: 100, height: 60 } }), {
    textChars: 150,
    bodyChars: 150,
  });
  assert.equal(withText.image, undefined, 'a page with 150 characters of text and a small logo is read from its text layer');

  const red = await inspect(await pdfOf(scanPng(100, true).png), { textChars: 0, bodyChars: 0 }, true);
  assert.ok(red.colour !== undefined && red.colour > 0.4, `half the page is red: ${red.colour}`);
  const grey = await inspect(await pdfOf(scanPng(100).png), { textChars: 0, bodyChars: 0 }, true);
  assert.equal(grey.colour, 0);
});

test('a PDF whose short pages decide whether it is born-digital: they are inspected first, then its colour image-only page is a figure', async () => {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const body = 'The parties agree that the supplier shall deliver the goods described in Schedule A. ';
  const typed = doc.addPage([612, 792]);
  for (let i = 0; i < 8; i++) typed.drawText(body, { x: 72, y: 600 - i * 14, size: 10, font });
  const short = doc.addPage([612, 792]);
  short.drawText('Exhibit A follows below: the survey map of the site at 12 Main Street.', { x: 72, y: 500, size: 10, font });
  short.drawImage(await doc.embedPng(scanPng(20).png), { x: 72, y: 300, width: 100, height: 80 });
  const figure = doc.addPage([612, 792]);
  figure.drawImage(await doc.embedPng(scanPng(60, true).png), { x: 0, y: 0, width: 612, height: 792 });
  const bytes = Buffer.from(await doc.save());

  const { extractPdf } = await import('../../src/providers/extract/pdf/text.ts');
  const result = await extractPdf(bytes, 'exhibit.pdf', 'born-digital-1', {
    engine: () => assert.fail("no page of this PDF is OCR'd"),
    renderer: () => pool,
    ocrImageFormat: () => 'pgm',
    maxPages: 100,
    heartbeat: async () => {},
  });
  assert.deepEqual(
    result.pages.map((p) => p.method),
    ['text-layer', 'text-layer', 'text-layer'],
  );
  assert.match(result.text, /Exhibit A follows/);
  assert.match(result.pages[2]?.reason ?? '', /a figure\): a colour image \(\d+% coloured pixels\)/);
  assert.deepEqual(result.metadata, { pages_text_layer: 3, pages_ocr: 0 });
});
