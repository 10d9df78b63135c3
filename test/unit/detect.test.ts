import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detectFileType } from '../../src/providers/detect.ts';

test('a PDF is recognised by its %PDF-1.x header, even after leading junk', () => {
  assert.equal(detectFileType(Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj', 'latin1'), 'x.bin'), '.pdf');
  assert.equal(detectFileType(Buffer.from('\x00junk\r\n%PDF-1.4\n', 'latin1'), 'x'), '.pdf');
});

test('bug: a text that mentions "%PDF-" is text, not a PDF (the corpus README)', () => {
  const readme = Buffer.from('# Corpus\n\nChecks: PDFs contain a `%PDF-` header within the first 1 KB.\n');
  assert.equal(detectFileType(readme, 'README.md'), '.txt');
});

test('content wins over the extension; e-mail headers make an .eml', () => {
  assert.equal(detectFileType(Buffer.from('From: a@b.c\nTo: d@e.f\nSubject: hi\n\nbody'), 'notes.txt'), '.eml');
  assert.equal(detectFileType(Buffer.from([0x50, 0x4b, 0x03, 0x04, ...Buffer.from('word/document.xml')]), 'letter.bin'), '.docx');
  assert.equal(detectFileType(Buffer.from('ID3\x03\x00'), 'clip.txt'), '.mp3');
  assert.equal(detectFileType(Buffer.from([0x00, 0x01, 0x02, 0x03, 0x00]), 'x.pdf'), 'unknown');
});
