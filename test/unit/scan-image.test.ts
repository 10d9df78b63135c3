// A page that is only a scan is OCR'd from its own image: which pages qualify (scanImageOf) and the
// grey image made of pdf.js's decoded pixels (greyPgm).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { greyPgm, scanImageOf } from '../../src/providers/extract/pdf/scan-image.ts';

const LETTER = [0, 0, 612, 792] as const;
type Op = [number, unknown];

function check(ops: Op[], rotate = 0, view: readonly [number, number, number, number] = LETTER) {
  return scanImageOf(
    ops.map((o) => o[0]),
    ops.map((o) => o[1]),
    OPS,
    view,
    rotate,
  );
}

/** What Quartz writes for a scanned page: a clip to the page, then the image scaled to the page. */
function scanPage(matrix: number[] = [612, 0, 0, 792, 0, 0], px: [number, number] = [2550, 3300], extra: Op[] = []): Op[] {
  return [
    [OPS.save, null],
    [OPS.constructPath, [OPS.endPath, [], null]],
    [OPS.clip, null],
    [OPS.save, null],
    [OPS.transform, matrix],
    [OPS.dependency, ['img_p0_1']],
    [OPS.setGState, [[]]],
    [OPS.paintImageXObject, ['img_p0_1', ...px]],
    [OPS.restore, null],
    ...extra,
    [OPS.restore, null],
  ];
}

test('a page that is one upright image covering it is a scan, at the resolution its size gives', () => {
  assert.deepEqual(check(scanPage()), { objId: 'img_p0_1', dpi: 300 });
  assert.equal(check(scanPage([612, 0, 0, 792, 0, 0], [1236, 1606]))?.dpi, (1236 / 612) * 72);
  // placed through two transforms (a page-wide cm, then the image's own)
  const nested: Op[] = [[OPS.transform, [2, 0, 0, 2, 0, 0]], ...scanPage([306, 0, 0, 396, 0, 0])];
  assert.deepEqual(check(nested), { objId: 'img_p0_1', dpi: 300 });
});

test('anything painted besides the scan, or a scan not upright, is not read as a bare scan', () => {
  const text: Op[] = [
    [OPS.beginText, null],
    [OPS.showText, [[]]],
    [OPS.endText, null],
  ];
  assert.equal(check(scanPage(undefined, undefined, text)), undefined, 'text over the scan (a stamp)');
  assert.equal(check(scanPage(undefined, undefined, [[OPS.constructPath, [OPS.fill, [], null]]])), undefined, 'a filled path');
  assert.equal(check(scanPage(undefined, undefined, [[OPS.paintImageXObject, ['img_p0_2', 10, 10]]])), undefined, 'two images');
  assert.equal(check(scanPage(undefined, undefined, [[OPS.beginAnnotation, []]])), undefined, 'an annotation');
  assert.equal(check(scanPage([0, 792, -612, 0, 612, 0])), undefined, 'rotated a quarter turn');
  assert.equal(check(scanPage([612, 0, 0, -792, 0, 792])), undefined, 'mirrored');
  assert.equal(check(scanPage([306, 0, 0, 792, 0, 0], [1275, 3300])), undefined, 'half the page');
  assert.equal(check(scanPage([612, 0, 0, 792, 0, 0], [2550, 1650])), undefined, 'stretched (150 dpi down, 300 across)');
  assert.equal(check(scanPage(), 90), undefined, 'a page with /Rotate');
  assert.equal(check([[OPS.save, null]]), undefined, 'no image');
});

test('the grey image: 1-bit rows padded to bytes (1 is white), RGB weighted, alpha on white', () => {
  const bits = greyPgm({ width: 10, height: 2, kind: 1, data: Uint8Array.from([0b10100000, 0b01000000, 0xff, 0b11000000]) });
  assert.ok(bits);
  const header = 'P5\n10 2\n255\n';
  assert.equal(bits.subarray(0, header.length).toString('latin1'), header);
  assert.deepEqual(
    [...bits.subarray(header.length)],
    [255, 0, 255, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255],
  );

  const rgb = greyPgm({ width: 2, height: 1, kind: 2, data: Uint8Array.from([255, 0, 0, 10, 20, 30]) });
  assert.deepEqual([...rgb!.subarray(-2)], [(255 + 0 + 0) >> 2, (10 + 40 + 30) >> 2]);

  const rgba = greyPgm({ width: 3, height: 1, kind: 3, data: Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 255, 0, 0, 0, 128]) });
  assert.deepEqual([...rgba!.subarray(-3)], [255, 0, 127], 'transparent black is white paper; half-transparent black is grey');

  assert.equal(greyPgm({ width: 4, height: 4, kind: 2, data: new Uint8Array(10) }), undefined, 'short data');
  assert.equal(greyPgm({ width: 4, height: 4, kind: 9, data: new Uint8Array(64) }), undefined, 'unknown kind');
});
