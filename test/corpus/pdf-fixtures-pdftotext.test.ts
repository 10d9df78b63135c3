/**
 * The generated PDFs of issue #18 (annotation text, a scanned exhibit after typed pages, a
 * password-protected file) against pdftotext's reading-order text: the text-layer pages within 2%
 * (whitespace-collapsed character edit distance, as the corpus comparison in test/stages/ocr.test.ts).
 * Needs pdftotext (poppler-utils), hence test/corpus.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { DEFAULT_LIMITS, Extractor } from '../../src/providers/extract/index.ts';
import { relativeEditDistance } from '../helpers/editdistance.ts';
import { encryptedPdf } from '../helpers/pdf-encrypt.ts';
import { annotatedTranscript, briefWithScannedExhibit } from '../helpers/pdf-fixtures.ts';
import { hasCommand } from '../helpers/tools.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'docpipe-pdftotext-'));
const extractor = new Extractor({ provider: 'local', workers: 1, region: 'us-east-1', max_pages: 100, pdf_passwords: ['sesame'] });
after(async () => {
  await extractor.close();
  rmSync(tmp, { recursive: true, force: true });
});

const cases: Array<[string, () => Promise<Uint8Array> | Uint8Array, string[]]> = [
  ['transcript.pdf', annotatedTranscript, []],
  ['brief-with-exhibit.pdf', briefWithScannedExhibit, []],
  [
    'sealed.pdf',
    () => encryptedPdf({ userPassword: 'sesame', ownerPassword: 'owner', lines: ['SEALED SETTLEMENT TERMS', 'Case No. 1:23-cv-04410'] }),
    ['-upw', 'sesame'],
  ],
];

for (const [name, make, args] of cases) {
  test(
    `${name}: text-layer pages within 2% of pdftotext`,
    { skip: !hasCommand('pdftotext') && 'pdftotext is not installed' },
    async (t) => {
      const bytes = Buffer.from(await make());
      const file = path.join(tmp, name);
      writeFileSync(file, bytes);
      const res = await extractor.extract(
        { bytes, name, type: '.pdf', key: name },
        { transcriber: undefined, limits: { ...DEFAULT_LIMITS, maxPages: 100 }, heartbeat: async () => {} },
      );
      const reference = execFileSync('pdftotext', [...args, file, '-'], { encoding: 'utf8' }).split('\f');
      let distance = 0;
      let length = 0;
      for (const p of res.pages) {
        if (p.method !== 'text-layer') continue;
        const d = relativeEditDistance(res.text.slice(p.start, p.end), reference[p.page - 1] ?? '');
        distance += d.distance;
        length += d.length;
      }
      const ratio = distance / Math.max(1, length);
      t.diagnostic(`${name}: edit distance ${(ratio * 100).toFixed(2)}% over ${length} characters`);
      assert.ok(length > 0);
      assert.ok(ratio <= 0.02, `${name}: ${(ratio * 100).toFixed(2)}%`);
    },
  );
}
