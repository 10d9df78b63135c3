/**
 * A minimal valid PDF 1.4 with a real text layer: catalog, page tree, one page object and content
 * stream per page (BT / Tf / Td / Tj), the standard Helvetica fonts, an info dictionary and an
 * xref table whose offsets are computed from the bytes written. ASCII text only.
 */
export interface PdfLine {
  text: string;
  /** Left edge in points from the page's left side. */
  x: number;
  /** Baseline in points from the page's bottom. */
  y: number;
  size: number;
  bold?: boolean;
}

export interface PdfDocument {
  title: string;
  author: string;
  /** PDF date string, e.g. `D:20240304141700-05'00'`. */
  created: string;
  pages: readonly (readonly PdfLine[])[];
}

function pdfString(text: string): string {
  if (!/^[\x20-\x7e]*$/.test(text)) throw new Error(`PDF text must be printable ASCII: ${JSON.stringify(text)}`);
  return `(${text.replace(/[\\()]/g, (c) => `\\${c}`)})`;
}

function contentStream(lines: readonly PdfLine[]): string {
  return lines
    .map((l) => `BT /${l.bold ? 'F2' : 'F1'} ${l.size} Tf ${l.x} ${l.y} Td ${pdfString(l.text)} Tj ET`)
    .join('\n') + '\n';
}

export function pdf(doc: PdfDocument): Buffer {
  const pageCount = doc.pages.length;
  // Object numbers: 1 catalog, 2 pages, 3 Helvetica, 4 Helvetica-Bold, 5 info, then page/content pairs.
  const pageObj = (i: number) => 6 + i * 2;
  const objects: string[] = [];
  objects[1] = '<< /Type /Catalog /Pages 2 0 R >>';
  objects[2] = `<< /Type /Pages /Kids [${doc.pages.map((_p, i) => `${pageObj(i)} 0 R`).join(' ')}] /Count ${pageCount} >>`;
  objects[3] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>';
  objects[4] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>';
  objects[5] = `<< /Title ${pdfString(doc.title)} /Author ${pdfString(doc.author)} /Producer (docpipe scripts/make-examples.ts) /CreationDate ${pdfString(doc.created)} >>`;
  doc.pages.forEach((lines, i) => {
    const content = contentStream(lines);
    objects[pageObj(i)] = `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents ${pageObj(i) + 1} 0 R >>`;
    objects[pageObj(i) + 1] = `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}endstream`;
  });

  let out = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  for (let n = 1; n < objects.length; n++) {
    offsets[n] = Buffer.byteLength(out, 'latin1');
    out += `${n} 0 obj\n${objects[n]}\nendobj\n`;
  }
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length}\n0000000000 65535 f \n`;
  for (let n = 1; n < objects.length; n++) out += `${String(offsets[n]).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length} /Root 1 0 R /Info 5 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}
