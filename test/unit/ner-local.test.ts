import assert from 'node:assert/strict';
import { test } from 'node:test';
import { modelMentions, recogniseLocal } from '../../src/nlp/ner/local.ts';

const typed = (text: string) => recogniseLocal(text).map((m) => `${m.type}:${m.value}`);

test("the model's mentions: split at column gaps, without titles, lower-case words or role words", () => {
  const text =
    'DPAC TECHNOLOGIES CORP.\t \t\t \tQUATECH, INC.\nBy: Mr. John Smith   Jane Doe for the Petitioner\nARTICLE II\nunder Microsoft’s licence';
  const got = modelMentions(text).map((m) => `${m.type}:${m.value}`);
  assert.ok(got.includes('ORG:DPAC TECHNOLOGIES CORP.'), got.join(' | '));
  assert.ok(got.includes('PERSON:John Smith') && got.includes('PERSON:Jane Doe'), got.join(' | '));
  assert.ok(!got.some((g) => /\t|Mr\.|Petitioner|:II$|’s$/.test(g)), got.join(' | '));
  for (const m of modelMentions(text)) assert.equal(text.slice(m.start, m.end), m.value);
});

test('the local path finds people, organisations and places of news text with the trained model', () => {
  const text = 'The European Commission fined Google on Monday, said Margrethe Vestager in Brussels.';
  const got = typed(text);
  for (const want of ['ORG:European Commission', 'ORG:Google', 'PERSON:Margrethe Vestager', 'LOCATION:Brussels'])
    assert.ok(got.includes(want), `${want} not in ${got.join(' | ')}`);
  const byModel = recogniseLocal(text)
    .filter((m) => m.method === 'model')
    .map((m) => m.value);
  for (const want of ['Google', 'Margrethe Vestager', 'Brussels'])
    assert.ok(byModel.includes(want), `${want} found by the model: ${byModel.join(' | ')}`);
});

test('a name found by a rule is labelled alike at its other occurrences and short forms', () => {
  const text =
    'Harbor Freight Tools Co. signed the lease. Later, Harbor Freight Tools paid the rent; Judge Ann Whitcombe approved it and Whitcombe signed.';
  const got = typed(text);
  assert.ok(got.includes('ORG:Harbor Freight Tools Co.'), got.join(' | '));
  assert.ok(got.includes('ORG:Harbor Freight Tools'), `short form: ${got.join(' | ')}`);
  assert.ok(got.includes('JUDGE:Ann Whitcombe'), got.join(' | '));
});
