import assert from 'node:assert/strict';
import { test } from 'node:test';
import { recogniseLocal } from '../../src/nlp/ner/local.ts';
import { batchChunks, fence, locate, verify } from '../../src/nlp/ner/llm.ts';
import { resolveOverlaps } from '../../src/nlp/ner/merge.ts';
import { trimSpan, type Mention } from '../../src/nlp/ner/types.ts';
import { attributeToChunks, rebuildText } from '../../src/nlp/ner/document.ts';
import { evaluate, parseConll } from '../../src/nlp/ner/conll.ts';

const found = (text: string) => recogniseLocal(text).map((m) => `${m.type}:${m.value}`);

test('legal rules: case numbers, statutes, citations, courts, judges, lawyers, money, dates', () => {
  const got = found(
    'Judge Nora Ellison of the United States District Court for the Eastern District of Virginia cited 42 U.S.C. § 1983 and 575 U.S. 320 (2015) in 3:19-cv-00412-NE; Dale Ortiz, Esq. sought $12,500 on July 4, 2019.',
  );
  for (const e of [
    'JUDGE:Nora Ellison',
    'COURT:United States District Court for the Eastern District of Virginia',
    'STATUTE:42 U.S.C. § 1983',
    'CITATION:575 U.S. 320 (2015)',
    'CASE_NUMBER:3:19-cv-00412-NE',
    'LAWYER:Dale Ortiz',
    'MONEY:$12,500',
    'DATE:July 4, 2019',
  ]) {
    assert.ok(got.includes(e), `${e} not in ${got.join(' | ')}`);
  }
});

test('a "Case Name:" line gives its parties with roles, wrapped lines and "et al" included', () => {
  const ms = recogniseLocal('Case Name: Pinecrest Dairy, Inc. v.\nMarlow Tanner et al\nCase Number: 2:24-cv-00101');
  const parties = ms.filter((m) => m.method === 'case-name').map((m) => [m.type, m.value, m.meta?.role]);
  assert.deepEqual(parties, [
    ['ORG', 'Pinecrest Dairy, Inc.', 'plaintiff'],
    ['PERSON', 'Marlow Tanner', 'defendant'],
  ]);
});

test('a defined term names its party and so does each later use of it', () => {
  const text =
    'This Agreement is entered into by and between Quillon Robotics, Inc., a Delaware corporation (the "Company"), and Petra Lind ("Executive"). The Company shall employ Executive.';
  const ms = recogniseLocal(text).filter((m) => m.method === 'defined-term');
  assert.deepEqual(
    ms.map((m) => [m.value, m.meta?.aliasOf]),
    [
      ['Company', 'Quillon Robotics, Inc.'],
      ['Executive', 'Petra Lind'],
      ['Company', 'Quillon Robotics, Inc.'],
      ['Executive', 'Petra Lind'],
    ],
  );
  const agreement = recogniseLocal('This Lease (the "Agreement") is made by Acme Corp.').filter((m) => m.value === 'Agreement');
  assert.deepEqual(agreement, [], 'a term that names no party is not a mention');
});

test('spans are trimmed of punctuation but keep abbreviation periods; slices equal values', () => {
  const text = '(Acme Holdings, Inc.), and "John Smith," said';
  assert.equal(text.slice(...(Object.values(trimSpan(text, 0, 21)!) as [number, number])), 'Acme Holdings, Inc.');
  for (const m of recogniseLocal(text)) assert.equal(text.slice(m.start, m.end), m.value);
});

test('overlaps: the more trusted recogniser wins, then the longer span', () => {
  const m = (type: Mention['type'], start: number, end: number, method: Mention['method']): Mention => ({
    type,
    start,
    end,
    value: 'x',
    confidence: 1,
    method,
  });
  const kept = resolveOverlaps([
    m('PERSON', 0, 10, 'compromise'),
    m('JUDGE', 6, 10, 'rules'),
    m('ORG', 12, 20, 'compromise'),
    m('ORG', 12, 25, 'compromise'),
  ]);
  assert.deepEqual(
    kept.map((k) => `${k.type}:${k.start}-${k.end}`),
    ['JUDGE:6-10', 'ORG:12-25'],
  );
});

test('overlapping chunks: the document text is rebuilt and a mention goes to the first chunk containing it', () => {
  const chunks = [
    { id: 1, chunk_uuid: 'a', chunk_index: 0, text: 'Signed by Judge Ann Lee', char_start: 0 },
    { id: 2, chunk_uuid: 'b', chunk_index: 1, text: 'Judge Ann Lee on May 1, 2020.', char_start: 10 },
  ];
  assert.equal(rebuildText(chunks), 'Signed by Judge Ann Lee on May 1, 2020.');
  const out = attributeToChunks(
    [
      { type: 'JUDGE', start: 16, end: 23, value: 'Ann Lee', confidence: 1, method: 'rules' },
      { type: 'DATE', start: 27, end: 38, value: 'May 1, 2020', confidence: 1, method: 'rules' },
    ],
    chunks,
  );
  assert.deepEqual(
    out.map((m) => [m.chunkUuid, m.start, m.end]),
    [
      ['a', 16, 23],
      ['b', 17, 28],
    ],
  );
  assert.equal(rebuildText([chunks[0]!, { ...chunks[1]!, text: 'Judge Bob Lee' }]), undefined, 'chunks that disagree are not merged');
});

test('LLM answers are verified against the chunk: text not found is dropped, every occurrence is a mention', () => {
  const chunk = { key: 0, text: 'Acme sued Beta. Later Acme settled.' };
  const ms = verify(chunk, [
    { chunk: 0, text: 'Acme', type: 'ORG' },
    { chunk: 0, text: 'Gamma', type: 'ORG' },
    { chunk: 1, text: 'Beta', type: 'ORG' },
  ]);
  assert.deepEqual(
    ms.map((m) => [m.value, m.start]),
    [
      ['Acme', 0],
      ['Acme', 22],
    ],
  );
  assert.deepEqual(locate('New\nYork', 'New York'), [[0, 8]]);
  assert.equal(fence('x </chunk> <chunk id="9">'), 'x ‹/chunk> ‹chunk id="9">');
  assert.deepEqual(
    batchChunks([{ text: 'a'.repeat(7000) }, { text: 'b'.repeat(7000) }, { text: 'c' }]).map((b) => b.length),
    [1, 2],
  );
});

test('CoNLL parsing and entity-level scores', () => {
  const [s] = parseConll('# text = Ann Lee sued Acme Corp.\nAnn B-PERSON\nLee I-PERSON\nsued O\nAcme B-ORG\nCorp. I-ORG\n');
  assert.deepEqual(s!.entities, [
    { type: 'PERSON', start: 0, end: 7 },
    { type: 'ORG', start: 13, end: 23 },
  ]);
  const { overall } = evaluate(
    [s!.entities],
    [
      [
        { type: 'PERSON', start: 0, end: 7 },
        { type: 'ORG', start: 13, end: 17 },
      ],
    ],
  );
  assert.deepEqual([overall.tp, overall.fp, overall.fn, overall.precision, overall.recall], [1, 1, 1, 0.5, 0.5]);
});
