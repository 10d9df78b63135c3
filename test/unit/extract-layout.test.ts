/**
 * The PDF page layout (src/providers/extract/layout*.ts) on synthetic pages: small PDFs written
 * here (scripts/examples/pdf.ts, Helvetica text at given positions) read by pdf.js, and text runs
 * built by hand. Where pdftotext is installed, each synthetic PDF is also checked against it.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { after, describe, test } from 'node:test';
import { pdf, type PdfLine } from '../../scripts/examples/pdf.ts';
import { layoutPage } from '../../src/providers/extract/layout/index.ts';
import type { TextRun } from '../../src/providers/extract/layout/words.ts';
import { fontMetrics, scanFontDescriptors } from '../../src/providers/extract/pdf/fonts.ts';
import { pageRuns } from '../../src/providers/extract/pdf/runs.ts';
import { openPdf } from '../../src/providers/extract/pdf/pdfjs.ts';
import { normaliseWhitespace } from '../helpers/editdistance.ts';
import { hasCommand } from '../helpers/tools.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'docpipe-layout-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const hasPdftotext = hasCommand('pdftotext');

/** Lines of one paragraph at x, from baseline y downwards, `pitch` apart. */
function para(x: number, y: number, texts: readonly string[], size = 10, pitch = 12): PdfLine[] {
  return texts.map((text, i) => ({ text, x, y: y - i * pitch, size }));
}

/** Lays out a one-page PDF with pdf.js; also returns pdftotext's text of it when installed. */
async function layout(lines: readonly PdfLine[], name: string): Promise<{ text: string; reference?: string }> {
  const bytes = pdf({ title: name, author: 'test', created: 'D:20240101000000Z', pages: [lines] });
  const { doc } = await openPdf(bytes, name);
  try {
    const page = await doc.getPage(1);
    await page.getOperatorList();
    const { runs, box } = await pageRuns(page, scanFontDescriptors(bytes));
    const text = layoutPage(runs, box);
    if (!hasPdftotext) return { text };
    const file = path.join(tmp, `${name}.pdf`);
    writeFileSync(file, bytes);
    return { text, reference: execFileSync('pdftotext', [file, '-']).toString('utf8') };
  } finally {
    await doc.destroy();
  }
}

/** Same text as pdftotext, line for line (its page ends with a form feed and blank lines). */
function assertMatchesPdftotext(result: { text: string; reference?: string }): void {
  if (result.reference === undefined) return;
  assert.equal(result.text, result.reference.replace(/\f/g, '').trimEnd());
  assert.equal(normaliseWhitespace(result.text), normaliseWhitespace(result.reference));
}

describe('page layout on hand-written PDFs (pdf.js)', () => {
  test('two columns are read column by column, between a full-width title and footer', async () => {
    // The title flows into the left column below it (a larger font may head a flow); the right column
    // is its own flow, and so is the footer.
    const left = ['Left column one starts', 'the first story and', 'goes on for a while', 'before it stops here.'];
    const right = ['Right column two has', 'a second story that', 'must come after the', 'whole left column.'];
    const result = await layout(
      [
        { text: 'A TITLE ACROSS BOTH COLUMNS OF THE PAGE', x: 150, y: 740, size: 14 },
        ...para(72, 700, left),
        ...para(320, 700, right),
        ...para(72, 600, ['A footer paragraph that runs across the whole width of the page below the columns.']),
      ],
      'columns',
    );
    assert.equal(
      result.text,
      [
        'A TITLE ACROSS BOTH COLUMNS OF THE PAGE',
        left.join('\n'),
        '',
        right.join('\n'),
        '',
        'A footer paragraph that runs across the whole width of the page below the columns.',
      ].join('\n'),
    );
    assertMatchesPdftotext(result);
  });

  test('a caption with parties on the left and the case number on the right keeps each side together', async () => {
    const parties = ['JOHN DOE,', 'Plaintiff,', 'v.', 'ACME CORPORATION,', 'Defendant.'];
    const caseInfo = ['Case No. 1:23-cv-00456', 'ORDER GRANTING', 'MOTION TO DISMISS'];
    const result = await layout([...para(72, 700, parties), ...para(340, 700, caseInfo)], 'caption');
    assert.equal(result.text, `${parties.join('\n')}\n\n${caseInfo.join('\n')}`);
    assertMatchesPdftotext(result);
  });

  test('a justified line with wide word gaps stays in its paragraph; a far-apart signature line splits', async () => {
    // The middle line's words are spread a little over one em apart (justified), the last line is two
    // blocks: a date at the left margin and a signature far to the right.
    const justified: PdfLine[] = [];
    let x = 72;
    for (const word of ['spread', 'words', 'across', 'the', 'line']) {
      justified.push({ text: word, x, y: 688, size: 10 });
      x += word.length * 5.6 + 8;
    }
    const result = await layout(
      [
        { text: 'The first line of a paragraph with', x: 72, y: 700, size: 10 },
        ...justified,
        { text: 'and a last line.', x: 72, y: 676, size: 10 },
        { text: 'Dated: May 1, 2024', x: 72, y: 620, size: 10 },
        { text: '/s/ Jane Roe', x: 430, y: 620, size: 10 },
      ],
      'justified',
    );
    assert.equal(
      result.text,
      'The first line of a paragraph with\nspread words across the line\nand a last line.\n\nDated: May 1, 2024\n\n/s/ Jane Roe',
    );
    assertMatchesPdftotext(result);
  });

  test('a word hyphenated at a line end is joined; a trailing hyphen at the end of a flow stays', async () => {
    const result = await layout(
      [
        ...para(72, 700, ['The court finds that enforce-', 'ment of the judgment is stayed', 'pending appeal. See pre-']),
        ...para(72, 600, ['trial order.']),
      ],
      'hyphen',
    );
    assert.equal(result.text, 'The court finds that enforcement of the judgment is stayed\npending appeal. See pre-\n\ntrial order.');
    assertMatchesPdftotext(result);
  });
});

/** A horizontal run in device space (y downwards) of Helvetica-like text. */
function run(str: string, x: number, y: number, size = 10, rot: 0 | 1 = 0): TextRun {
  const width = str.length * size * 0.5;
  const matrix = rot === 0 ? [size, 0, 0, -size, x, y] : [0, size, size, 0, x, y];
  return { str, matrix, width, fontSize: size, ascent: 0.718, descent: -0.207, font: 'F1' };
}

describe('page layout on text runs', () => {
  const page = { width: 612, height: 792 };

  test('text turned a quarter (a margin note) is read as its own lines, after the body', () => {
    const body = [run('Body text of the page.', 72, 100), run('Second line of it.', 72, 112)];
    const note = [run('FILED 2024-01-02', 580, 300, 8, 1)];
    assert.equal(layoutPage([...note, ...body], page), 'Body text of the page.\nSecond line of it.\n\nFILED 2024-01-02');
  });

  test('runs drawn out of order come out by position; a run continuing a word (font change) adds no space', () => {
    const runs = [run('second line', 72, 112), run('first', 72, 100), run(':', 72 + 5 * 5, 100), run('line', 110, 100)];
    assert.equal(layoutPage(runs, page), 'first: line\nsecond line');
  });

  test('fake bold (the same word drawn twice, slightly offset) is read once', () => {
    const runs = [run('Bold', 72, 100), run('Bold', 72.3, 100), run('title', 100, 100)];
    assert.equal(layoutPage(runs, page), 'Bold title');
  });

  test('text off the page is dropped; an empty page is empty', () => {
    assert.equal(layoutPage([run('visible', 72, 100), run('hidden', 700, 100), run('below', 72, 900)], page), 'visible');
    assert.equal(layoutPage([], page), '');
  });
});

describe('font metrics from the PDF', () => {
  test('descriptor metrics for embedded fonts, built-in metrics for non-embedded standard fonts', () => {
    const plain = Buffer.from(
      [
        '%PDF-1.4',
        '1 0 obj << /Type /FontDescriptor /FontName /ABCDEF+LiberationSans /Ascent 728 /Descent -210 /Flags 32 /FontFile2 9 0 R >> endobj',
        '2 0 obj << /Type /FontDescriptor /FontName /TimesNewRomanPSMT /Ascent 891 /Descent -216 /Flags 34 >> endobj',
      ].join('\n'),
      'latin1',
    );
    const fonts = scanFontDescriptors(plain);
    assert.deepEqual(fontMetrics('ABCDEF+LiberationSans', fonts), { ascent: 0.728, descent: -0.21 });
    assert.deepEqual(fontMetrics('TimesNewRomanPSMT', fonts), { ascent: 0.683, descent: -0.217 });
    assert.deepEqual(fontMetrics('Helvetica-Bold', fonts), { ascent: 0.718, descent: -0.207 });
    assert.equal(fontMetrics('Unknown', fonts), undefined);
  });

  test('descriptors inside a Flate object stream are found', () => {
    const objects = '<< /Type /FontDescriptor /FontName /XYZ+Garamond /Ascent 750 /Descent -250 /Flags 34 /FontFile3 4 0 R >>';
    const body = deflateSync(Buffer.from(`5 0 ${objects}`, 'latin1'));
    const bytes = Buffer.concat([
      Buffer.from(`%PDF-1.5\n3 0 obj << /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length ${body.length} >>\nstream\n`, 'latin1'),
      body,
      Buffer.from('\nendstream\nendobj\n', 'latin1'),
    ]);
    assert.deepEqual(fontMetrics('XYZ+Garamond', scanFontDescriptors(bytes)), { ascent: 0.75, descent: -0.25 });
  });
});
