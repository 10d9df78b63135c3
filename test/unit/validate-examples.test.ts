import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import mammoth from 'mammoth';
import { validateCommand } from '../../src/cli/validate.ts';
import { detectFileType } from '../../src/providers/detect.ts';
import { buildExamples, EXAMPLES_DIR, writeExamples } from '../../scripts/make-examples.ts';
import { REPO_ROOT } from '../fixtures/pipelines/index.ts';

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return yamlFiles(p);
    return /\.ya?ml$/.test(e.name) ? [p] : [];
  });
}

function example(name: string): Buffer {
  const file = buildExamples().find((f) => f.name === name);
  assert.ok(file, `no example named ${name}`);
  return file.data;
}

test('every example pipeline under examples/ validates clean', async () => {
  const files = yamlFiles(path.join(REPO_ROOT, 'examples'));
  assert.ok(files.length >= 2, `expected example pipelines, found ${files.length}`);
  for (const file of files) {
    const err: string[] = [];
    const code = await validateCommand(file, { log: () => {}, error: (s) => err.push(s) });
    assert.equal(code, 0, `${file}:\n${err.join('\n')}`);
  }
});

test('the committed example documents equal a fresh generation, byte for byte', () => {
  const fresh = buildExamples();
  assert.deepEqual(
    readdirSync(EXAMPLES_DIR).sort(),
    fresh.map((f) => f.name).sort(),
    'run `npm run examples` and commit examples/documents',
  );
  for (const { name, data } of fresh) {
    assert.ok(readFileSync(path.join(EXAMPLES_DIR, name)).equals(data), `${name} differs from the generator: run \`npm run examples\``);
  }
});

test('make-examples writes the same bytes on every run (no clock, no random ids)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'docpipe-examples-'));
  try {
    const first = writeExamples(dir).map((f) => readFileSync(f));
    const second = writeExamples(dir).map((f) => readFileSync(f));
    assert.equal(first.length, 4);
    first.forEach((b, i) => assert.ok(b.equals(second[i]!), `file ${i} changed between runs`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('each example document is detected as the type its extension claims', () => {
  for (const { name, data } of buildExamples()) {
    assert.equal(detectFileType(data, 'no-extension'), path.extname(name), name);
  }
});

test('the DOCX letter opens with mammoth and carries its text', async () => {
  const { value, messages } = await mammoth.extractRawText({ buffer: example('demand-letter.docx') });
  assert.deepEqual(messages, []);
  assert.match(value, /HALVORSEN & PIKE LLP/);
  assert.match(value, /Re: Master Supply Agreement dated March 1, 2023/);
  assert.match(value, /demands payment of \$423,168\.00/);
});

test('the e-mail parses as a Notice of Electronic Filing with docket number and case name', async () => {
  const mail = await simpleParser(example('notice-of-electronic-filing.eml'));
  assert.equal(mail.subject, 'Activity in Case 1:24-cv-00417-EMW Northwind Traders LLC v. Contoso Ltd. Order on Motion to Dismiss');
  assert.equal(mail.date?.toISOString(), '2024-03-04T19:17:02.000Z');
  assert.equal(mail.messageId, '<20240304191702.0417.12@ecf-mail.ded.uscourts.example>');
  assert.match(mail.text ?? '', /Notice of Electronic Filing/);
  assert.match(mail.text ?? '', /Case Number: +1:24-cv-00417-EMW/);
  assert.match(mail.text ?? '', /Document Number: +12/);
  assert.match(String(mail.html), /Northwind Traders LLC v\. Contoso Ltd\./);
});

test('the text contract names both parties and its governing law', () => {
  const text = example('supply-agreement.txt').toString('utf8');
  assert.match(text, /^MASTER SUPPLY AGREEMENT\n/);
  assert.match(text, /NORTHWIND TRADERS LLC,\s+a\s+Delaware\s+limited\s+liability\s+company/);
  assert.match(text, /CONTOSO LTD\.,\s+a\s+New\s+Jersey\s+corporation/);
  assert.match(text, /governed\s+by\s+the\s+laws\s+of\s+the\s+State\s+of\s+Delaware/);
});
