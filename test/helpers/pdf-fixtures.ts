/**
 * PDFs generated for the extraction tests (pdf-lib; nothing binary is committed): a typed brief
 * with a scanned exhibit page appended, a deposition page whose stamp, header, footer, Bates label
 * and form field are drawn by annotation appearance streams (plus a hidden one and a popup note that
 * must not be read), and password-protected copies (pdf-encrypt.ts).
 */
import { createCanvas } from '@napi-rs/canvas';
import { PDFDict, PDFDocument, PDFName, PDFString, StandardFonts, type PDFFont, type PDFObject, type PDFPage, type PDFRef } from 'pdf-lib';

const LETTER: [number, number] = [612, 792];

/** Typed body text, `lines` lines of it. */
function typePage(page: PDFPage, font: PDFFont, title: string, lines: number): void {
  page.drawText(title, { x: 72, y: 720, size: 14, font });
  for (let i = 0; i < lines; i++) {
    page.drawText(`${i + 1}. The movant states that paragraph ${i + 1} of the record supports the relief requested here.`, {
      x: 72,
      y: 690 - i * 18,
      size: 11,
      font,
    });
  }
}

/** A PNG of black text on white, as a scanner would give it (150 dpi letter page, a few big lines). */
export function scannedPagePng(lines: readonly string[]): Buffer {
  const canvas = createCanvas(1275, 1650);
  const g = canvas.getContext('2d');
  g.fillStyle = '#ffffff';
  g.fillRect(0, 0, 1275, 1650);
  g.fillStyle = '#000000';
  g.font = '44px sans-serif';
  lines.forEach((l, i) => g.fillText(l, 120, 220 + i * 90));
  return canvas.toBuffer('image/png');
}

/** Words the scanned exhibit page shows (OCR must find them). */
export const SCANNED_EXHIBIT_LINES = [
  'EXHIBIT B',
  'LEASE AGREEMENT',
  'Landlord: Harbor Point Properties',
  'Tenant: Meridian Supply Company',
  'Monthly rent: four thousand dollars',
];

/** A colour figure: filled shapes in several colours, as a map or chart would be. */
function colourFigurePng(): Buffer {
  const canvas = createCanvas(1275, 1650);
  const g = canvas.getContext('2d');
  g.fillStyle = '#ffffff';
  g.fillRect(0, 0, 1275, 1650);
  const colours = ['#d9534f', '#5cb85c', '#428bca', '#f0ad4e', '#9b59b6'];
  for (let i = 0; i < 12; i++) {
    g.fillStyle = colours[i % colours.length]!;
    g.beginPath();
    g.arc(200 + (i % 4) * 280, 300 + Math.floor(i / 4) * 420, 150, 0, Math.PI * 2);
    g.fill();
  }
  return canvas.toBuffer('image/png');
}

/** A grey photo-like figure: smooth blobs of grey, no writing (deterministic). */
function greyFigurePng(): Buffer {
  const canvas = createCanvas(1275, 1650);
  const g = canvas.getContext('2d');
  g.fillStyle = '#ffffff';
  g.fillRect(0, 0, 1275, 1650);
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = 0; i < 60; i++) {
    const v = Math.floor(60 + next() * 150);
    g.fillStyle = `rgb(${v},${v},${v})`;
    g.beginPath();
    g.ellipse(next() * 1275, next() * 1650, 40 + next() * 200, 40 + next() * 200, next() * Math.PI, 0, Math.PI * 2);
    g.fill();
  }
  return canvas.toBuffer('image/png');
}

/**
 * A typed brief of seven pages, then a scanned exhibit (page 8: an image of black text, no text
 * layer), a colour figure (page 9) and a grey photo-like figure (page 10).
 */
export async function briefWithScannedExhibit(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const titles = [
    'MOTION FOR SUMMARY JUDGMENT',
    'INTRODUCTION',
    'STATEMENT OF FACTS',
    'STANDARD OF REVIEW',
    'ARGUMENT',
    'RELIEF REQUESTED',
    'CONCLUSION',
  ];
  for (const title of titles) typePage(doc.addPage(LETTER), font, title, 30);
  for (const png of [scannedPagePng(SCANNED_EXHIBIT_LINES), colourFigurePng(), greyFigurePng()]) {
    const image = await doc.embedPng(png);
    doc.addPage(LETTER).drawImage(image, { x: 0, y: 0, width: LETTER[0], height: LETTER[1] });
  }
  return doc.save({ useObjectStreams: false });
}

interface AnnotationSpec {
  subtype: 'FreeText' | 'Stamp' | 'Widget' | 'Text';
  rect: [number, number, number, number];
  /** Text the appearance stream draws (lines); none: no appearance stream. */
  lines?: readonly string[];
  size?: number;
  /** Annotation flags (2 = Hidden, 32 = NoView). */
  flags?: number;
  contents?: string;
}

function addAnnotation(doc: PDFDocument, page: PDFPage, fontRef: PDFRef, spec: AnnotationSpec): void {
  const [x0, y0, x1, y1] = spec.rect;
  const size = spec.size ?? 10;
  const fields: Record<string, PDFObject | string | number | number[]> = {
    Type: 'Annot',
    Subtype: spec.subtype,
    Rect: spec.rect,
    F: spec.flags ?? 4,
  };
  if (spec.contents) fields['Contents'] = PDFString.of(spec.contents);
  if (spec.subtype === 'Widget')
    Object.assign(fields, { FT: 'Tx', T: PDFString.of('reporter'), V: PDFString.of((spec.lines ?? []).join(' ')) });
  if (spec.subtype === 'FreeText') fields['DA'] = PDFString.of(`/Helv ${size} Tf 0 g`);
  const annot = doc.context.obj(fields);
  if (!(annot instanceof PDFDict)) throw new Error('annotation is not a dictionary');
  if (spec.lines) {
    const body = spec.lines
      .map((l, i) => `BT /Helv ${size} Tf 2 ${(y1 - y0 - size * (i + 1)).toFixed(2)} Td (${l.replace(/[()\\]/g, '\\$&')}) Tj ET`)
      .join('\n');
    const ap = doc.context.stream(body, {
      Type: 'XObject',
      Subtype: 'Form',
      BBox: [0, 0, x1 - x0, y1 - y0],
      Resources: { Font: { Helv: fontRef } },
    });
    annot.set(PDFName.of('AP'), doc.context.obj({ N: doc.context.register(ap) }));
  }
  const ref = doc.context.register(annot);
  page.node.addAnnot(ref);
  if (spec.subtype === 'Widget') {
    const acro = doc.catalog.getOrCreateAcroForm();
    acro.addField(ref);
  }
}

/** Text drawn by visible annotations of the deposition page, and text that must not be read. */
export const ANNOTATION_TEXT = {
  header: 'DEPOSITION OF RAYMOND T. OSEI - VOLUME II',
  stamp: 'EXHIBIT 4',
  bates: 'HPP-004512',
  footer: 'Coastline Court Reporting, Inc. (555) 010-2200',
  field: 'Reporter: Linda Castellanos, CSR No. 12345',
  hidden: 'PRIVILEGED DRAFT DO NOT PRODUCE',
  popup: 'reviewer note: check page 14',
} as const;

/** A transcript page whose header, footer, stamp, Bates label and reporter field are annotations. */
export async function annotatedTranscript(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage(LETTER);
  for (let i = 0; i < 25; i++) {
    page.drawText(`${String(i + 1).padStart(2, ' ')}   Q. And what did you see when you reached the loading dock at ${i + 1}:00?`, {
      x: 72,
      y: 680 - i * 22,
      size: 11,
      font,
    });
  }
  const t = ANNOTATION_TEXT;
  addAnnotation(doc, page, font.ref, { subtype: 'FreeText', rect: [72, 730, 540, 752], lines: [t.header], size: 12 });
  addAnnotation(doc, page, font.ref, { subtype: 'Stamp', rect: [430, 120, 560, 150], lines: [t.stamp], size: 20 });
  addAnnotation(doc, page, font.ref, { subtype: 'FreeText', rect: [470, 40, 560, 56], lines: [t.bates], size: 10 });
  addAnnotation(doc, page, font.ref, { subtype: 'FreeText', rect: [72, 40, 330, 56], lines: [t.footer], size: 9 });
  addAnnotation(doc, page, font.ref, { subtype: 'Widget', rect: [72, 90, 360, 106], lines: [t.field], size: 10 });
  addAnnotation(doc, page, font.ref, { subtype: 'FreeText', rect: [200, 300, 500, 320], lines: [t.hidden], size: 12, flags: 2 });
  addAnnotation(doc, page, font.ref, { subtype: 'Text', rect: [560, 700, 580, 720], contents: t.popup });
  return doc.save({ useObjectStreams: false });
}
