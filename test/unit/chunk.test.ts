import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chunkText, chunkUuid, countTokens, isHeading, splitBlocks } from '../../src/nlp/chunk/index.ts';
import { deterministicUuid } from '../../src/nlp/ids.ts';
import { uuidV5 } from '../../src/util/uuid.ts';

const sentence = (i: number): string => `Sentence number ${i} says the parties agree to the terms set out here.`;

test('token counts: words, numbers and punctuation; long words count more', () => {
  assert.equal(countTokens('The Court, on 5 May.'), 7);
  assert.equal(countTokens('indemnification'), 3);
  assert.equal(countTokens(''), 0);
});

test('headings, numbered paragraphs and blank lines make blocks', () => {
  const text =
    'ARTICLE I\nDEFINITIONS\nSection 1.1. Terms mean what they say.\n\nA paragraph\nthat goes on.\n1. First numbered.\n2. Second numbered.';
  const blocks = splitBlocks(text).map((b) => [text.slice(b.start, b.end), b.heading]);
  assert.deepEqual(blocks, [
    ['ARTICLE I', true],
    ['DEFINITIONS', true],
    ['Section 1.1. Terms mean what they say.', true],
    ['A paragraph\nthat goes on.', false],
    ['1. First numbered.', false],
    ['2. Second numbered.', false],
  ]);
  assert.ok(isHeading('I. INTRODUCTION'));
  assert.ok(!isHeading('The plaintiff filed a complaint in this court on the first day.'));
});

test('chunks are exact slices, within budget, and overlap on budget splits', () => {
  const text = Array.from({ length: 30 }, (_, i) => sentence(i)).join(' ');
  const chunks = chunkText(text, { maxTokens: 60, overlapTokens: 15, minTokens: 10 });
  assert.ok(chunks.length > 3);
  for (const c of chunks) {
    assert.equal(text.slice(c.start, c.end).trim(), text.slice(c.start, c.end));
    assert.ok(c.tokens <= 60, `${c.tokens} tokens`);
    assert.equal(c.tokens, countTokens(text.slice(c.start, c.end)));
  }
  for (let i = 1; i < chunks.length; i++) {
    assert.ok(chunks[i]!.start < chunks[i - 1]!.end, 'overlap with the previous chunk');
    assert.ok(chunks[i]!.overlap > 0);
    assert.ok(chunks[i]!.start > chunks[i - 1]!.start);
  }
  assert.equal(chunks.at(-1)!.end, text.length);
  // overlap starts at a sentence when one is in the window
  assert.match(text.slice(chunks[1]!.start), /^Sentence number/);
});

test('a heading starts a new chunk when the current one is big enough; otherwise it stays with its body', () => {
  const section = (n: number): string => `SECTION ${n}. TITLE ${n}\n${Array.from({ length: 4 }, (_, i) => sentence(i)).join(' ')}`;
  const text = [1, 2, 3].map(section).join('\n\n');
  const chunks = chunkText(text, { maxTokens: 400, overlapTokens: 20, minTokens: 30 });
  assert.deepEqual(
    chunks.map((c) => text.slice(c.start, c.end).split('\n')[0]),
    ['SECTION 1. TITLE 1', 'SECTION 2. TITLE 2', 'SECTION 3. TITLE 3'],
  );
  assert.deepEqual(
    chunks.map((c) => c.boundary),
    ['heading', 'heading', 'end'],
  );
  assert.equal(chunks[1]!.heading, 'SECTION 2. TITLE 2');
  assert.deepEqual(chunkText(text, { maxTokens: 400, overlapTokens: 20, minTokens: 1000 }).length, 1);
});

test('a paragraph longer than the budget is split at sentences, and a sentence longer than it at words', () => {
  const words = Array.from({ length: 300 }, (_, i) => `word${i}`).join(' ');
  const chunks = chunkText(words, { maxTokens: 50, overlapTokens: 5, minTokens: 5 });
  assert.ok(chunks.length >= 6);
  for (const c of chunks) assert.ok(c.tokens <= 50);
  assert.equal(chunkText('', {}).length, 0);
  assert.equal(chunkText('   \n\n  ', {}).length, 0);
});

test('chunk uuids: RFC 4122 v5, stable per (document, index), distinct across documents', () => {
  // the RFC 4122 example: uuid5(DNS namespace, "www.example.com")
  assert.equal(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8'), '2ed6657d-e927-568b-95e1-2665a8aea6a2');
  const d1 = '1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b';
  const d2 = '1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633c';
  assert.equal(chunkUuid(d1, 0), chunkUuid(d1.toUpperCase(), 0));
  assert.notEqual(chunkUuid(d1, 0), chunkUuid(d1, 1));
  assert.notEqual(chunkUuid(d1, 0), chunkUuid(d2, 0));
  assert.match(chunkUuid(d1, 7), /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  // stored ids: the values must never change (rows written by earlier runs are found by them)
  assert.equal(chunkUuid(d1, 0), 'd3558448-a912-5fbb-995e-0dd4418e48cf');
  assert.equal(deterministicUuid('mention', 'c1', 'ORG', 0, 10), '3491c244-3a4b-5612-a0ed-c0fc3c7db1b3');
  assert.equal(deterministicUuid('case', 'a|b\\c', 'ü日本'), '861bc688-5f8f-526a-bdb3-f286de05b25b');
});
