import assert from 'node:assert/strict';
import { test } from 'node:test';
import { akaPairs } from '../../src/nlp/resolve/aka.ts';
import { clusterMentions, type ResolvableMention } from '../../src/nlp/resolve/cluster.ts';
import { normalizeName } from '../../src/nlp/resolve/normalize.ts';
import { scorePair } from '../../src/nlp/resolve/score.ts';
import { jaroWinkler, personMatch } from '../../src/nlp/resolve/similarity.ts';

test('normalisation per type: honorifics, legal forms, inverted names, accents', () => {
  assert.equal(normalizeName('ORG', 'ACME HOLDINGS, INCORPORATED'), normalizeName('ORG', 'Acme Holdings, Inc.'));
  assert.equal(normalizeName('ORG', 'The Acme Company'), 'acme co');
  assert.equal(normalizeName('JUDGE', 'Hon. Kathryn K. Mizelle'), 'kathryn k mizelle');
  assert.equal(normalizeName('PERSON', 'Geisler, Kimberly'), 'kimberly geisler');
  assert.equal(normalizeName('PERSON', 'Andrée Suzan'), 'andree suzan');
});

test('scores: Jaro-Winkler, initials, surnames, acronyms, short names; different first names never match', () => {
  assert.ok(jaroWinkler('martha', 'marhta') > 0.96);
  assert.equal(personMatch(['k', 'k', 'mizelle'], ['kathryn', 'kimball', 'mizelle']), 'initials');
  assert.equal(personMatch(['john', 'smith'], ['jane', 'smith']), 'no');
  assert.equal(scorePair('ORG', 'ups', 'united parcel service').rule, 'acronym');
  assert.equal(scorePair('ORG', 'acme', 'acme holdings inc').rule, 'short-name');
  assert.ok(scorePair('ORG', 'logitech europe sa', 'logitech international sa').score < 0.9);
  assert.ok(scorePair('ORG', 'apple inc', 'apple corp').score < 0.9, 'different legal forms are different companies');
});

let id = 0;
const m = (type: string, value: string, aliasOf?: string): ResolvableMention => ({
  id: ++id,
  type,
  value,
  key: normalizeName(type, aliasOf ?? value),
  ...(aliasOf ? { definedTerm: true } : {}),
});

test('clustering: variants of a party merge with an explanation; an ambiguous short name merges with nothing', async () => {
  const clusters = await clusterMentions([
    m('ORG', 'Acme Holdings, Inc.'),
    m('ORG', 'ACME HOLDINGS, INC.'),
    m('ORG', 'Acme', 'Acme Holdings, Inc.'),
    m('ORG', 'Acme Holdings'),
    m('ORG', 'Logitech Europe S.A.'),
    m('ORG', 'Logitech International S.A.'),
    m('ORG', 'Logitech'),
    m('PERSON', 'Kathryn Kimball Mizelle'),
    m('PERSON', 'Mizelle'),
    m('PERSON', 'John Smith'),
    m('PERSON', 'Jane Smith'),
  ]);
  const byName = new Map(clusters.map((c) => [c.canonicalName, c]));
  const acme = byName.get('Acme Holdings, Inc.');
  assert.deepEqual(acme?.aliases, ['ACME HOLDINGS, INC.', 'Acme', 'Acme Holdings']);
  assert.deepEqual(acme?.explanation.map((x) => x.rule).sort(), ['defined-term', 'exact-normalized', 'legal-form']);
  assert.ok(byName.has('Logitech Europe S.A.') && byName.has('Logitech International S.A.') && byName.has('Logitech'));
  assert.deepEqual(byName.get('Kathryn Kimball Mizelle')?.aliases, ['Mizelle']);
  assert.ok(byName.has('John Smith') && byName.has('Jane Smith'));
  const judge = async () => true;
  const withJudge = await clusterMentions([m('ORG', 'Logitech Europe S.A.'), m('ORG', 'Logitech International S.A.')], [], judge);
  assert.equal(withJudge.length, 2, 'an LLM "yes" cannot merge two different full names');
});

test('a/k/a joins two adjacent names of one type', () => {
  const text = 'Alpha Achiever Company (f/k/a Alpha Eagle Company) as buyer';
  const pairs = akaPairs(
    [
      { chunkId: 1, type: 'ORG', start: 0, end: 22, key: 'alpha achiever co' },
      { chunkId: 1, type: 'ORG', start: 30, end: 49, key: 'alpha eagle co' },
    ],
    new Map([[1, text]]),
  );
  assert.deepEqual(pairs, [['alpha achiever co', 'alpha eagle co']]);
});
