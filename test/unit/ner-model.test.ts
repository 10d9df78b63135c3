import assert from 'node:assert/strict';
import { test } from 'node:test';
import { consistentMentions, recogniseWithModel, shippedModel } from '../../src/nlp/ner/model/index.ts';
import { shortForms } from '../../src/nlp/ner/model/consistency.ts';
import { makeMention, type EntityType, type Mention } from '../../src/nlp/ner/types.ts';

const spans = (ms: Mention[]) => ms.map((m) => `${m.type}:${m.value}`);

function mention(text: string, value: string, type: EntityType, from = 0): Mention {
  const start = text.indexOf(value, from);
  assert.ok(start >= 0, value);
  return makeMention(text, type, start, start + value.length, 'model', 0.8)!;
}

test('the shipped model loads once and labels people, organisations and places in unseen sentences', () => {
  assert.equal(shippedModel(), shippedModel());
  const cases: Array<[string, string[]]> = [
    ['Barack Obama met Angela Merkel in Berlin on Tuesday.', ['PERSON:Barack Obama', 'PERSON:Angela Merkel', 'LOCATION:Berlin']],
    ['Shares of Microsoft Corp. rose after the company opened an office in Paris.', ['ORG:Microsoft Corp.', 'LOCATION:Paris']],
    [
      'The loan was made by Wells Fargo Bank to Brightline Logistics, LLC, a Delaware limited liability company.',
      ['ORG:Wells Fargo Bank', 'ORG:Brightline Logistics, LLC', 'LOCATION:Delaware'],
    ],
  ];
  for (const [text, expected] of cases) {
    const found = recogniseWithModel(text);
    for (const e of expected) assert.ok(spans(found).includes(e), `${e} in ${JSON.stringify(text)}: got ${spans(found).join(', ')}`);
    for (const m of found) {
      assert.equal(text.slice(m.start, m.end), m.value);
      assert.equal(m.method, 'model');
      assert.ok(m.confidence > 0 && m.confidence <= 1);
      assert.ok(['PERSON', 'ORG', 'LOCATION'].includes(m.type));
    }
  }
  assert.deepEqual(recogniseWithModel(''), []);
  assert.deepEqual(recogniseWithModel('   \n\n '), []);
});

test('consistency: a surname after the full name, a name without its legal form, and repeats get the label', () => {
  const text = 'Bill Clinton spoke to Acme Corp. staff. Later Clinton said Acme would grow, and Bill Clinton left.';
  const found = consistentMentions(text, [mention(text, 'Bill Clinton', 'PERSON'), mention(text, 'Acme Corp.', 'ORG')]);
  assert.deepEqual(spans(found), ['PERSON:Bill Clinton', 'ORG:Acme Corp.', 'PERSON:Clinton', 'ORG:Acme', 'PERSON:Bill Clinton']);
  const second = found.at(-1)!;
  assert.equal(second.start, text.lastIndexOf('Bill Clinton'));
  for (const m of found) assert.equal(text.slice(m.start, m.end), m.value);
});

test('consistency avoids lower-case words, common words, parts of longer names and lone one-off labels', () => {
  const text = 'Mr. Jordan Pryce met Zorvex Co. A pryce was torn; Pryce Street is near zorvex silver. Pryce agreed.';
  const found = consistentMentions(text, [mention(text, 'Jordan Pryce', 'PERSON'), mention(text, 'Zorvex Co.', 'ORG')]);
  // "pryce" (lower case) and "Pryce Street" (part of a longer name) are not Pryce; "zorvex" is lower case
  assert.deepEqual(spans(found), ['PERSON:Jordan Pryce', 'ORG:Zorvex Co.', 'PERSON:Pryce']);
  assert.equal(found[2]!.start, text.lastIndexOf('Pryce agreed'));
  // common words are no short forms ("page", "sterling")
  assert.deepEqual(shortForms('Jordan Page', 'PERSON'), []);
  assert.deepEqual(shortForms('Sterling Co.', 'ORG'), []);
  // a one-word label the model gave once out of many capitalised occurrences is not spread
  const liens = 'Liens are allowed. (a) Liens for taxes; (b) Liens of Lenders; (c) Liens by law.';
  assert.deepEqual(spans(consistentMentions(liens, [mention(liens, 'Liens', 'PERSON', 20)])), ['PERSON:Liens']);
  assert.deepEqual(shortForms('The Company', 'ORG'), []);
  assert.deepEqual(shortForms('John Smith, Jr.', 'PERSON'), ['Smith']);
  assert.deepEqual(shortForms('Acme Holdings, Inc.', 'ORG'), ['Acme Holdings']);
});

test('consistency gives every mention of a name the type most of them have', () => {
  const text = 'Jordan visited Amman. Jordan signed. Jordan left.';
  const ms = [mention(text, 'Jordan', 'LOCATION'), mention(text, 'Jordan', 'PERSON', 20), mention(text, 'Jordan', 'PERSON', 35)];
  assert.deepEqual(spans(consistentMentions(text, ms)), ['PERSON:Jordan', 'PERSON:Jordan', 'PERSON:Jordan']);
});
