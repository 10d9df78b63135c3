import assert from 'node:assert/strict';
import { test } from 'node:test';
import { attributeToChunks, rebuildText, recogniseDocument, type ChunkText } from '../../src/nlp/ner/document.ts';
import { random as rng } from '../../src/nlp/ner/model/perceptron.ts';

const TEXT = [
  'On March 3, 2021, Judge Helen Marsh of the United States District Court for the Northern District of Ohio',
  'denied the motion of Brightline Logistics, LLC. Counsel for the plaintiff, John Smith, Esq., appeared.',
  'See Smith v. Jones, 572 U.S. 614 (2014); 42 U.S.C. § 1983. Case No. 2:21-cv-04417-HM.',
  'Acme Holdings, Inc. ("Acme") paid $1,250,000 to Fifth Third Bank on May 1, 2020.',
].join(' ');

/** Chunks of `text` that may overlap or leave a gap (one separator character dropped) between neighbours. */
function randomChunking(text: string, next: () => number): ChunkText[] {
  const chunks: ChunkText[] = [];
  let at = 0;
  while (at < text.length) {
    const len = 20 + Math.floor(next() * 80);
    const end = Math.min(text.length, at + len);
    chunks.push({
      id: chunks.length + 1,
      chunk_uuid: `c${chunks.length}`,
      chunk_index: chunks.length,
      text: text.slice(at, end),
      char_start: at,
    });
    const mode = next();
    if (mode < 0.4 && end < text.length && /\s/.test(text[end] ?? ''))
      at = end + 1; // a gap: the space is in no chunk
    else if (mode < 0.7)
      at = Math.max(at + 1, end - Math.floor(next() * 15)); // an overlap
    else at = end;
  }
  return chunks;
}

test('rebuildText keeps every offset where it was when chunks leave gaps', () => {
  const chunks = [
    { id: 1, chunk_uuid: 'a', chunk_index: 0, text: 'Judge Ann Lee', char_start: 0 },
    { id: 2, chunk_uuid: 'b', chunk_index: 1, text: 'met Acme Corp.', char_start: 14 },
    { id: 3, chunk_uuid: 'c', chunk_index: 2, text: 'in Ohio.', char_start: 30 },
  ];
  const text = rebuildText(chunks)!;
  assert.equal(text.length, 38);
  assert.equal(text.slice(14, 28), 'met Acme Corp.');
  assert.equal(text.slice(30), 'in Ohio.');
});

test('for any chunking, every mention slices exactly its value from the document and from its chunk', () => {
  const next = rng(20261206);
  for (let round = 0; round < 40; round++) {
    const chunks = randomChunking(TEXT, next);
    const document = rebuildText(chunks);
    assert.ok(document !== undefined);
    const mentions = recogniseDocument(chunks);
    assert.ok(mentions.length > 5, `round ${round}: mentions found`);
    for (const m of mentions) {
      assert.equal(document.slice(m.start, m.end), m.value, `round ${round}: document offsets of "${m.value}"`);
      assert.equal(TEXT.slice(m.start, m.end), m.value, `round ${round}: original offsets of "${m.value}"`);
    }
    const byId = new Map(chunks.map((c) => [c.id, c]));
    for (const m of attributeToChunks(mentions, chunks)) {
      const chunk = byId.get(m.chunkId)!;
      assert.equal(chunk.text.slice(m.start, m.end), m.value, `round ${round}: chunk offsets of "${m.value}"`);
      assert.equal(TEXT.slice(chunk.char_start + m.start, chunk.char_start + m.end), m.value);
    }
  }
});
