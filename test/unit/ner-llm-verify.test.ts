import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NER_SCHEMA, verify, type LlmEntity } from '../../src/nlp/ner/llm.ts';

const found = (text: string, answers: LlmEntity[]) => verify({ key: 0, text }, answers).map((m) => `${m.type}:${m.start}:${m.value}`);

test("bug #23.2: a string typed differently in two places keeps each occurrence's own type", () => {
  const text = 'Denver signed the striker after Denver approved the stadium bond.';
  assert.deepEqual(
    found(text, [
      { chunk: 0, text: 'Denver', type: 'ORG', occurrence: 1 },
      { chunk: 0, text: 'Denver', type: 'LOCATION', occurrence: 2 },
    ]),
    ['ORG:0:Denver', 'LOCATION:32:Denver'],
  );
  // the schema asks for the occurrence (strict structured output: required, nullable)
  assert.ok((NER_SCHEMA.properties.entities.items.required as readonly string[]).includes('occurrence'));
});

test('an occurrence the chunk does not have is dropped; an unlisted occurrence is not tagged', () => {
  const text = 'The Tyler court sat in Tyler for the trial.';
  assert.deepEqual(
    found(text, [
      { chunk: 0, text: 'Tyler', type: 'LOCATION', occurrence: 2 },
      { chunk: 0, text: 'Tyler', type: 'PERSON', occurrence: 3 },
    ]),
    ['LOCATION:23:Tyler'],
  );
});

test('text-only answers (no occurrence) still type every occurrence, as before', () => {
  const text = 'Ford paid the invoice that Ford had disputed.';
  assert.deepEqual(
    found(text, [
      { chunk: 0, text: 'Ford', type: 'ORG', occurrence: null },
      { chunk: 0, text: 'Ford', type: 'ORG' },
    ]),
    ['ORG:0:Ford', 'ORG:27:Ford'],
  );
  // an indexed answer wins its occurrence; the text-only answer types the rest
  assert.deepEqual(
    found(text, [
      { chunk: 0, text: 'Ford', type: 'PERSON', occurrence: 2 },
      { chunk: 0, text: 'Ford', type: 'ORG', occurrence: null },
    ]),
    ['PERSON:27:Ford', 'ORG:0:Ford'],
  );
});

test('bug #23.3: only maximal spans are tagged: a name inside a longer name is not a separate mention', () => {
  const text = 'Kenya Airways moved its hub from Nairobi to Mombasa, Kenya.';
  const got = found(text, [
    { chunk: 0, text: 'Kenya Airways', type: 'ORG', occurrence: null },
    { chunk: 0, text: 'Kenya', type: 'LOCATION', occurrence: null },
  ]);
  assert.deepEqual(got.sort(), ['LOCATION:53:Kenya', 'ORG:0:Kenya Airways']);
});
