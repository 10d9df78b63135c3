/** Choosing the local OCR engine (providers.ocr.engine) and reading tesseract's TSV. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { DocpipeError } from '../../src/errors.ts';
import { chooseOcrEngine, detectTesseract, ocrWorkers, type TesseractInstall } from '../../src/providers/extract/ocr/select.ts';
import { isImage, tesseractError } from '../../src/providers/extract/ocr/native.ts';
import { ocrTextOfWords, parseTsvWords } from '../../src/providers/extract/ocr/tsv.ts';

const installed: TesseractInstall = { binary: 'tesseract', version: 'tesseract 5.3.0' };
const missing: TesseractInstall = { binary: 'tesseract', problem: 'the tesseract binary is not installed (no "tesseract" on PATH)' };

test('auto picks the native binary when it is installed, tesseract.js when it is not', () => {
  assert.equal(
    chooseOcrEngine('auto', () => installed),
    'native',
  );
  assert.equal(
    chooseOcrEngine(undefined, () => installed),
    'native',
  );
  assert.equal(
    chooseOcrEngine('auto', () => missing),
    'tesseract.js',
  );
});

test('tesseract.js is used when asked for, without looking for the binary', () => {
  assert.equal(
    chooseOcrEngine('tesseract.js', () => assert.fail('the binary must not be probed')),
    'tesseract.js',
  );
});

test('native without the binary is a configuration error naming the Debian packages', () => {
  assert.equal(
    chooseOcrEngine('native', () => installed),
    'native',
  );
  assert.throws(
    () => chooseOcrEngine('native', () => missing),
    (err: unknown) => {
      assert.ok(err instanceof DocpipeError);
      assert.equal(err.kind, 'config');
      assert.equal(err.code, 'DP_ERR_PROVIDER_UNAVAILABLE');
      assert.match(err.message, /providers\.ocr\.engine is native/);
      assert.match(err.message, /tesseract-ocr-eng/);
      assert.match(err.message, /apt-get install tesseract-ocr tesseract-ocr-eng/);
      return true;
    },
  );
});

test('detectTesseract on a PATH without the binary reports it missing', () => {
  const empty = mkdtempSync(path.join(tmpdir(), 'docpipe-nopath-'));
  try {
    const found = detectTesseract({ PATH: empty });
    assert.equal(found.version, undefined);
    assert.match(found.problem ?? '', /not installed/);
    assert.throws(() => chooseOcrEngine('native', () => found), /tesseract-ocr/);
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});

test('workers default: one per core for the native engine, 2 otherwise; an explicit value wins', () => {
  assert.ok(ocrWorkers(undefined, 'native') >= 1);
  assert.equal(ocrWorkers(undefined, 'tesseract.js'), 2);
  assert.equal(ocrWorkers(undefined, 'textract'), 2);
  assert.equal(ocrWorkers(3, 'native'), 3);
});

const TSV = [
  'level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext',
  '1\t1\t0\t0\t0\t0\t0\t0\t2550\t3300\t-1\t',
  '2\t1\t1\t0\t0\t0\t100\t100\t900\t120\t-1\t',
  '5\t1\t1\t1\t1\t1\t100\t100\t200\t40\t96.5\tEXHIBIT',
  '5\t1\t1\t1\t1\t2\t320\t100\t40\t40\t93.5\tB',
  '5\t1\t1\t1\t2\t1\t100\t160\t300\t40\t90\tLease',
  '5\t1\t1\t1\t2\t2\t420\t160\t10\t40\t-1\t ',
  '5\t1\t2\t1\t1\t1\t100\t400\t200\t40\t80\tRent:',
  '5\t1\t2\t1\t1\t2\t320\t400\t200\t40\t60\t$4,000',
].join('\n');

test("TSV words become tesseract's text: lines by newline, a blank line between paragraphs; the mean word confidence", () => {
  const words = parseTsvWords(TSV);
  assert.equal(words.length, 5, 'blank and -1 rows are not words');
  assert.deepEqual(words[0], {
    block: 1,
    paragraph: 1,
    line: 1,
    left: 100,
    top: 100,
    width: 200,
    height: 40,
    confidence: 96.5,
    text: 'EXHIBIT',
  });
  const { text, confidence } = ocrTextOfWords(words);
  assert.equal(text, 'EXHIBIT B\nLease\n\nRent: $4,000\n');
  assert.equal(confidence, (96.5 + 93.5 + 90 + 80 + 60) / 5);
  assert.deepEqual(ocrTextOfWords([]), { text: '', confidence: 0 });
});

test('only image bytes go to tesseract (stdin that is not an image would be read as a list of file names)', () => {
  assert.ok(isImage(Buffer.from('89504e470d0a1a0a', 'hex')));
  assert.ok(isImage(Buffer.from('ffd8ffe000104a46', 'hex')));
  assert.ok(isImage(Buffer.from('P5\n10 10\n255\n', 'latin1')));
  assert.ok(!isImage(Buffer.from('/etc/passwd\n')));
});

test('an unreadable image is a permanent DP_ERR_FILE_CORRUPT; a killed process is retryable', () => {
  const corrupt = tesseractError(
    1,
    null,
    'Error in pixReadMemPng: internal png error\nError in pixReadMem: png: no pix returned\nError during processing.\n',
  );
  assert.ok(corrupt instanceof DocpipeError);
  assert.equal(corrupt.kind, 'permanent');
  assert.equal(corrupt.code, 'DP_ERR_FILE_CORRUPT');
  const killed = tesseractError(null, 'SIGKILL', '');
  assert.ok(!(killed instanceof DocpipeError));
  assert.match(killed.message, /killed by SIGKILL/);
});
