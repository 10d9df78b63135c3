import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';
import { test } from 'node:test';
import { withBackoff } from '../../src/providers/extract/ocr/backoff.ts';
import { htmlToText } from '../../src/providers/extract/html-text.ts';
import { imageCoverage, routeCounted, textCounts } from '../../src/providers/extract/pdf/page-routing.ts';
import { decodeText } from '../../src/providers/extract/plain-text.ts';
import { isTransientAwsError, linesToText } from '../../src/providers/extract/ocr/textract.ts';
import { layoutTextItems } from '../../src/providers/extract/pdf/text-layer.ts';
import { checkZip } from '../../src/providers/extract/zip-guard.ts';

const item = (str: string, x: number, y: number, size = 12) => ({
  str,
  transform: [size, 0, 0, size, x, y],
  width: str.length * size * 0.5,
  height: size,
});

test('text layer: lines by baseline, sorted by x, spaces from gaps, paragraphs from wide gaps', () => {
  const text = layoutTextItems([
    item('world', 110, 700),
    item('Hello', 72, 700),
    item('next', 72, 686),
    item('line', 100, 686.5),
    item('New paragraph', 72, 640),
  ]);
  assert.equal(text, 'Hello world\nnext line\n\nNew paragraph');
});

test('routing: a stamp over an image goes to OCR; body text stays on the text layer', () => {
  const ops = {
    save: 1,
    restore: 2,
    transform: 3,
    paintFormXObjectBegin: 4,
    paintFormXObjectEnd: 5,
    paintImageXObject: 6,
    paintInlineImageXObject: 7,
    paintImageMaskXObject: 8,
    paintImageXObjectRepeat: 9,
  };
  const full = imageCoverage([1, 3, 6, 2], [null, [612, 0, 0, 792, 0, 0], ['img', 10, 10], null], ops, [0, 0, 612, 792]);
  assert.deepEqual(full, { coverage: 1, count: 1 });
  const stamp = [{ y: 760, text: 'Case: 21-1298 Document: 42 Page: 1 Date Filed: 08/31/2022' }];
  assert.equal(routeCounted(textCounts(stamp, 792), { imageCoverage: 0.01, imageCount: 1 }).method, 'ocr');
  assert.equal(routeCounted(textCounts(stamp, 792), { imageCoverage: 0, imageCount: 0 }).method, 'text-layer');
  const body = Array.from({ length: 20 }, (_, i) => ({
    y: 600 - i * 20,
    text: 'The district court found the contentions wanting and refused.',
  }));
  assert.equal(routeCounted(textCounts([...stamp, ...body], 792), { imageCoverage: 1, imageCount: 1 }).method, 'text-layer');
});

test('zip guard: a central directory that lies about sizes is still caught', () => {
  const data = Buffer.alloc(5 * 1024 * 1024, 0x41);
  const packed = deflateRawSync(data);
  const name = Buffer.from('word/document.xml');
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(packed.length, 18);
  local.writeUInt32LE(100, 22);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(packed.length, 20);
  central.writeUInt32LE(100, 24); // claims 100 bytes
  central.writeUInt16LE(name.length, 28);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(1, 10);
  eocd.writeUInt32LE(46 + name.length, 12);
  eocd.writeUInt32LE(30 + name.length + packed.length, 16);
  const zip = Buffer.concat([local, name, packed, central, name, eocd]);
  assert.throws(
    () => checkZip(zip, 'lying.docx', { maxUncompressedBytes: 1024 * 1024, maxEntries: 10 }),
    /inflates past its declared size or the limit \(zip bomb\)/,
  );
  assert.throws(() => checkZip(Buffer.from('PK\u0003\u0004 nothing else'), 'cut.docx'), /no end of central directory/);
});

test('HTML to text: blocks, breaks, table rows, entities, no scripts', () => {
  const html =
    '<p>First&nbsp;line<br/>second</p><script>x()</script><table><tr><td>A</td><td>B &amp; C</td></tr><tr><td>1</td><td>2</td></tr></table><ul><li>item</li></ul>';
  assert.equal(htmlToText(html), 'First line\nsecond\n\nA\tB & C\n1\t2\n\n- item');
});

test('plain text encodings', () => {
  assert.deepEqual(decodeText(Buffer.from('ol\u00e9', 'utf8')), { text: 'olé', encoding: 'utf-8' });
  assert.deepEqual(decodeText(Buffer.from([0x93, 0x71, 0x94])), { text: '\u201cq\u201d', encoding: 'windows-1252' });
  assert.equal(decodeText(Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from([0, 0x41, 0, 0x42])])).text, 'AB');
});

test('Textract helpers: LINE blocks to text, transient errors', async () => {
  assert.deepEqual(
    linesToText([
      { BlockType: 'PAGE' },
      { BlockType: 'LINE', Text: 'a', Confidence: 90 },
      { BlockType: 'WORD', Text: 'a' },
      { BlockType: 'LINE', Text: 'b', Confidence: 80 },
    ]),
    { text: 'a\nb', confidence: 85 },
  );
  assert.equal(isTransientAwsError({ name: 'ProvisionedThroughputExceededException' }), true);
  assert.equal(isTransientAwsError({ name: 'X', $metadata: { httpStatusCode: 503 } }), true);
  assert.equal(isTransientAwsError({ name: 'BadDocumentException', $metadata: { httpStatusCode: 400 } }), false);
  let calls = 0;
  const out = await withBackoff(async () => (++calls < 3 ? Promise.reject({ name: 'ThrottlingException' }) : 'ok'), {
    retries: 5,
    baseMs: 1,
    maxMs: 2,
    isTransient: isTransientAwsError,
  });
  assert.equal(out, 'ok');
  assert.equal(calls, 3);
  await assert.rejects(
    withBackoff(() => Promise.reject({ name: 'ThrottlingException' }), {
      retries: 1,
      baseMs: 1,
      maxMs: 1,
      isTransient: isTransientAwsError,
    }),
    { name: 'ThrottlingException' },
  );
});
