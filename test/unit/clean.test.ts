import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cleanText, pageAt, rawOffsetOf } from '../../src/nlp/clean/index.ts';
import { normalizeString } from '../../src/nlp/clean/chars.ts';
import { decideJoin } from '../../src/nlp/clean/reflow.ts';

const para = (n: number): string =>
  Array.from({ length: n }, (_, i) => `This is body line number ${i + 1} of a fairly long paragraph that continues on`).join('\n');

test('characters: NFKC, quotes, dashes, ligatures, exotic spaces, soft hyphens', () => {
  assert.equal(
    normalizeString('\u201CQuoted\u201D \u2018single\u2019 \uFB01nal \u2013 range\u2014dash'),
    '"Quoted" \'single\' final - range-dash',
  );
  assert.equal(normalizeString('a\u00A0b\u2009c'), 'a b c');
  assert.equal(normalizeString('co\u00ADoperate\u200B'), 'cooperate');
  assert.equal(normalizeString('e\u0301'), '\u00E9');
  assert.equal(normalizeString('\uFF21\uFF22'), 'AB');
});

test('the offset map sends every cleaned character back to its raw character', () => {
  const raw = '  \u201CHello\u201D   world\u00A0\uFB01ne\n\nNext   paragraph.';
  const { text, metadata } = cleanText(raw);
  assert.equal(text, '"Hello" world fine\n\nNext paragraph.');
  for (const word of ['Hello', 'world', 'Next', 'paragraph']) {
    const c = text.indexOf(word);
    assert.equal(raw.slice(rawOffsetOf(metadata, c), rawOffsetOf(metadata, c) + word.length), word);
  }
  // the ligature maps to its raw character
  assert.equal(raw[rawOffsetOf(metadata, text.indexOf('fine'))], '\uFB01');
  assert.ok(metadata.offset_map.length <= 8, `compact map, got ${metadata.offset_map.length} segments`);
});

test('district ECF stamps are removed from the body and captured', () => {
  const raw = `Case 1:20-cv-01234-ABC Document 12 Filed 01/02/20 Page 3 of 9 PageID #:45\nThe court finds the motion well taken.\n`;
  const { text, metadata } = cleanText(raw);
  assert.equal(text, 'The court finds the motion well taken.');
  const [s] = metadata.ecf_stamps;
  assert.equal(s!.case_number, '1:20-cv-01234-ABC');
  assert.equal(s!.document, '12');
  assert.equal(s!.filed_iso, '2020-01-02');
  assert.equal(s!.page, 3);
  assert.equal(s!.page_of, 9);
  assert.equal(s!.page_id, '45');
});

test('appellate, bankruptcy and Colorado stamp variants', () => {
  const cases: Array<[string, string, Record<string, unknown>]> = [
    [
      'Appellate Case: 21-1298     Document: 010110462922     Date Filed: 01/11/2021     Page: 1',
      '21-1298',
      { document: '010110462922', page: 1, filed_iso: '2021-01-11' },
    ],
    [
      'Case: 19-15472, 05/12/2020, ID: 11688329, DktEntry: 19-1, Page 1 of 15',
      '19-15472',
      { document: '19-1', entry_id: '11688329', page: 1, page_of: 15 },
    ],
    [
      'Case: 20-1507   Document: 00117684624   Page: 1   Date Filed: 12/22/2020   Entry ID: 6390389',
      '20-1507',
      { entry_id: '6390389', filed_iso: '2020-12-22' },
    ],
    ['Case 17-3510, Document 1-1, 10/31/2017, 2161300, Page1 of 2', '17-3510', { document: '1-1', page: 1, page_of: 2 }],
    ['Case 1:21-cv-01061-KLM Document 1 Filed 04/16/21 USDC Colorado Page 1 of 16', '1:21-cv-01061-KLM', { document: '1', page: 1 }],
    [
      'Case 24-10418-CTG Doc 297 Filed 04/23/24 Entered 04/23/24 16:50:12 Desc Main Document Page 1 of 5',
      '24-10418-CTG',
      { document: '297', page: 1 },
    ],
  ];
  for (const [stamp, caseNumber, fields] of cases) {
    const { text, metadata } = cleanText(`${stamp}\nORDER\nIt is so ordered.`);
    assert.equal(text, 'ORDER\nIt is so ordered.', stamp);
    assert.equal(metadata.ecf_stamps[0]?.case_number, caseNumber);
    for (const [k, v] of Object.entries(fields))
      assert.equal((metadata.ecf_stamps[0] as unknown as Record<string, unknown>)[k], v, `${stamp}: ${k}`);
  }
});

test('a stamp split over lines, with fields scattered among body lines, leaves nothing behind', () => {
  const raw =
    'Case: 20-1507\n\nDocument: 00117684624\n\nvector of transmission.\n\nPage: 5\n\nDate Filed: 12/22/2020\n\nEntry ID: 6390389\n';
  const { text, metadata } = cleanText(raw);
  assert.equal(text, 'vector of transmission.');
  assert.equal(metadata.ecf_stamps[0]?.case_number, '20-1507');
});

test('a case caption that merely mentions a case number is not a stamp', () => {
  const { text, metadata } = cleanText('Case No. 8:16-cv-1261 DOC (KESx)\nORDER GRANTING MOTION');
  assert.equal(metadata.ecf_stamps.length, 0);
  assert.match(text, /Case No\. 8:16-cv-1261 DOC/);
});

test('page numbers at the top or bottom of a page are removed and kept', () => {
  const raw = `${para(3)} here.\n\n- 1 -\n\f2\n${para(2)} too.\n\fPage 3 of 3\nEnd of the text.\n`;
  const { text, metadata } = cleanText(raw);
  assert.doesNotMatch(text, /- 1 -|Page 3 of 3|^2$/m);
  assert.deepEqual(
    metadata.page_numbers.map((p) => p.page),
    [1, 2, 3],
  );
});

test('running headers and footers repeated across pages are removed and kept', () => {
  const body = (n: number): string => [1, 2, 3, 4].map((k) => `On page ${n} line ${k} the ${'story '.repeat(n + k)}goes on.`).join('\n');
  const page = (n: number): string => `SMITH v. JONES\n${body(n)}\nConfidential - Page ${n}\n`;
  const { text, metadata } = cleanText([1, 2, 3, 4].map(page).join('\f'));
  assert.doesNotMatch(text, /SMITH v\. JONES|Confidential/);
  assert.deepEqual(metadata.headers_footers.map((h) => h.position).sort(), ['footer', 'header']);
  assert.deepEqual(metadata.headers_footers.find((h) => h.position === 'header')!.pages, [1, 2, 3, 4]);
});

test('pleading-paper line numbers are removed, alone or as a prefix', () => {
  const lines = Array.from({ length: 12 }, (_, i) =>
    i % 3 === 0 ? `${i + 1}` : `${i + 1}     Pleading text line ${i + 1} goes here and on`,
  );
  const { text, metadata } = cleanText(lines.join('\n'));
  assert.equal(metadata.line_numbers_removed, 12);
  assert.doesNotMatch(text, /^\d+\s/m);
  assert.match(text, /^Pleading text line 2 goes here/);
});

test('hyphenated words broken across lines are rejoined; real dashes are kept', () => {
  const { text, metadata } = cleanText('the water of Okla-\nhoma flows to the state of Louisi-\nana and the Compact\u2014\nrecognizing');
  assert.equal(text, 'the water of Oklahoma flows to the state of Louisiana and the Compact- recognizing');
  assert.equal(metadata.hyphenations_joined, 2);
});

test('broken paragraphs are re-flowed; headings, list items and captions keep their lines', () => {
  const raw = [
    'UNITED STATES DISTRICT COURT',
    'JOHN DOE,',
    'v.',
    'ACME CORP.,',
    '',
    'The plaintiff filed a complaint alleging that the defendant breached',
    'the agreement and failed to pay the amounts due under it.',
    '1. First numbered item of the order.',
    '(a) a lettered sub-item',
  ].join('\n');
  const { text } = cleanText(raw);
  assert.equal(
    text,
    'UNITED STATES DISTRICT COURT\nJOHN DOE,\nv.\nACME CORP.,\n\nThe plaintiff filed a complaint alleging that the defendant breached the agreement and failed to pay the amounts due under it.\n1. First numbered item of the order.\n(a) a lettered sub-item',
  );
});

test('reflow decisions', () => {
  const ctx = { blanks: 0, pageBreak: false, doubleSpaced: false, width: 70 };
  const long = 'a line that is long enough to be a full line of a paragraph in the doc';
  assert.equal(decideJoin(long, 'continues here.', ctx), 'space');
  assert.equal(decideJoin('Short heading', 'Body text starts', ctx), 'line');
  assert.equal(decideJoin(`${long}.`, 'New sentence', { ...ctx, blanks: 1 }), 'paragraph');
  assert.equal(decideJoin(long, 'continues on the next page', { ...ctx, pageBreak: true }), 'space');
  assert.equal(decideJoin('Aaron', 'M. Frey, Attorney General', ctx), 'line');
  assert.equal(decideJoin(long, 'M. Frey, Attorney General', ctx), 'space');
});

test('page starts are recorded in cleaned offsets', () => {
  const { text, metadata } = cleanText('First page text.\fSecond page text.\f\fFourth page.');
  assert.deepEqual(
    metadata.pages.map((p) => p.page),
    [1, 2, 4],
  );
  assert.equal(pageAt(metadata.pages, text.indexOf('Second')), 2);
  assert.equal(pageAt(metadata.pages, text.indexOf('Fourth')), 4);
  assert.equal(pageAt(metadata.pages, 0), 1);
  assert.equal(metadata.page_count, 4);
});
