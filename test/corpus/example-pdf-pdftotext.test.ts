/** The generated example PDF read by poppler's pdftotext (a system tool: this suite checks it is installed). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeExamples } from '../../scripts/make-examples.ts';

test('the PDF order has a text layer on both pages with the ECF header line', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'docpipe-pdf-'));
  try {
    const [file] = writeExamples(dir).filter((f) => f.endsWith('.pdf'));
    const r = spawnSync('pdftotext', ['-layout', file!, '-'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '', 'pdftotext reported problems with the file');
    const pages = r.stdout.split('\f').filter((p) => p.trim());
    assert.equal(pages.length, 2);
    pages.forEach((page, i) => assert.match(page, new RegExp(`Case 1:24-cv-00417 Document 12 Filed 03/04/24 Page ${i + 1} of 2`)));
    assert.match(pages[0]!, /ORDER ON DEFENDANT'S MOTION TO DISMISS/);
    assert.match(pages[1]!, /IT IS SO ORDERED\./);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
