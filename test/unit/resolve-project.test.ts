import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalizeName } from '../../src/nlp/resolve/normalize.ts';
import {
  bestDisplayName,
  CandidateIndex,
  matchProjectEntity,
  typeFamily,
  type DocumentEntity,
  type ProjectCandidate,
} from '../../src/nlp/resolve/project.ts';

const entity = (type: string, names: string[], defined: string[] = []): DocumentEntity => {
  const own = names.map((n) => normalizeName(type, n));
  return {
    type,
    normalizedName: own[0] ?? normalizeName(type, defined[0]!),
    ownKeys: own,
    definedKeys: defined.map((n) => normalizeName(type, n)),
  };
};
const candidate = (uuid: string, type: string, names: string[]): ProjectCandidate => {
  const keys = names.map((n) => normalizeName(type, n));
  return { uuid, family: typeFamily(type), normalizedName: keys[0]!, nameKeys: keys };
};
const match = (e: DocumentEntity, cs: ProjectCandidate[]) => {
  const m = matchProjectEntity(e, cs);
  return m ? [m.candidate.uuid, m.match.method, m.match.score, m.match.rule ?? null] : undefined;
};

const sbi = candidate('p-sbi', 'ORG', ['State Bank of India', 'SBI']);
const sharma = candidate('p-sharma', 'PERSON', ['Rajesh Kumar Sharma']);

test('type families: persons, judges and lawyers are one family; organisations and "in re" parties another', () => {
  assert.deepEqual(['PERSON', 'JUDGE', 'LAWYER', 'ORG', 'OTHER', 'COURT'].map(typeFamily), [
    'person',
    'person',
    'person',
    'org',
    'org',
    'court',
  ]);
});

test('each way a document entity joins a project entity: exact, alias, defined term, abbreviation, score', () => {
  assert.deepEqual(match(entity('ORG', ['STATE BANK OF INDIA']), [sbi, sharma]), ['p-sbi', 'exact', 1, null]);
  assert.deepEqual(match(entity('ORG', ['State Bank of India Ltd.', 'SBI']), [sbi]), ['p-sbi', 'alias', 1, null]);
  assert.deepEqual(match(entity('ORG', [], ['State Bank of India']), [sbi]), ['p-sbi', 'defined-term', 1, null]);
  assert.deepEqual(match(entity('JUDGE', ['R. K. Sharma']), [sbi, sharma]), ['p-sharma', 'abbreviation', 0.93, 'initials']);
  assert.deepEqual(match(entity('ORG', ['State Bank of India Limited']), [sbi]), ['p-sbi', 'score', 0.95, 'legal-form']);
  assert.equal(match(entity('ORG', ['Union of India']), [sbi, sharma]), undefined);
  assert.equal(match(entity('PERSON', ['State Bank of India']), [sbi]), undefined, 'another family never joins');
});

test('an abbreviation fitting two project entities decides nothing; two different full names never join through a shared short name', () => {
  const smiths = [candidate('p1', 'PERSON', ['John Smith']), candidate('p2', 'PERSON', ['Jane Smith'])];
  assert.equal(match(entity('PERSON', ['Smith']), smiths), undefined);
  assert.deepEqual(match(entity('PERSON', ['Smith']), smiths.slice(0, 1)), ['p1', 'abbreviation', 0.9, 'surname']);
  const johnAlias = candidate('p1', 'PERSON', ['John Smith', 'Smith']);
  assert.equal(match(entity('PERSON', ['Jane Smith', 'Smith']), [johnAlias]), undefined);
});

test('the candidate index finds by word and by initials, within a family', () => {
  const index = new CandidateIndex();
  index.add(sbi);
  index.add(sharma);
  index.add(candidate('p-ups', 'ORG', ['United Parcel Service']));
  assert.deepEqual(
    index.candidatesFor(entity('ORG', ['UPS'])).map((c) => c.uuid),
    ['p-ups'],
  );
  assert.deepEqual(
    index.candidatesFor(entity('ORG', ['Bank of Baroda'])).map((c) => c.uuid),
    ['p-sbi'],
  );
  assert.deepEqual(
    index.candidatesFor(entity('LAWYER', ['Sharma'])).map((c) => c.uuid),
    ['p-sharma'],
  );
  assert.deepEqual(
    index.candidatesFor(entity('ORG', ['Sharma Traders'])).map((c) => c.uuid),
    [],
  );
});

test('the display name: the fullest, then not shouted, whatever the order', () => {
  const names = ['SBI', 'STATE BANK OF INDIA', 'State Bank of India'];
  assert.equal(
    bestDisplayName(names, (n) => normalizeName('ORG', n)),
    'State Bank of India',
  );
  assert.equal(
    bestDisplayName([...names].reverse(), (n) => normalizeName('ORG', n)),
    'State Bank of India',
  );
});
