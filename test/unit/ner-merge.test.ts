import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveOverlaps } from '../../src/nlp/ner/merge.ts';
import { makeMention, type EntityType, type Mention, type MentionMethod } from '../../src/nlp/ner/types.ts';

/** The mention of `value` (its `nth` occurrence) in `text`. */
function at(text: string, value: string, type: EntityType, method: MentionMethod, meta?: Mention['meta'], nth = 0): Mention {
  let start = -1;
  for (let i = 0; i <= nth; i++) start = text.indexOf(value, start + 1);
  assert.ok(start >= 0, `${value} in ${text}`);
  const m = makeMention(text, type, start, start + value.length, method, 0.9, meta);
  assert.ok(m);
  return m;
}
const show = (ms: Mention[]) => ms.map((m) => `${m.type}:${m.value}:${m.method}${m.meta?.role ? `:${m.meta.role}` : ''}`);

test('a rule span cut short takes the longer span the LLM or the model supports, keeping its type', () => {
  const text = 'The Bureau of Fair Competition fined Judge Helen Anne Marsh.';
  for (const method of ['llm', 'model'] as const) {
    const kept = resolveOverlaps([
      at(text, 'Bureau of Fair', 'ORG', 'rules'),
      at(text, 'Bureau of Fair Competition', 'ORG', method),
      at(text, 'Helen Anne', 'JUDGE', 'rules'),
      at(text, 'Helen Anne Marsh', 'PERSON', method),
    ]);
    assert.deepEqual(show(kept), ['ORG:Bureau of Fair Competition:rules', 'JUDGE:Helen Anne Marsh:rules']);
  }
});

test('the longer span is not taken over words that are no name, or across a line', () => {
  const text = 'Acme Corp said that Beta\nGamma Ltd agreed.';
  const kept = resolveOverlaps([
    at(text, 'Acme Corp', 'ORG', 'rules'),
    at(text, 'Acme Corp said that', 'ORG', 'llm'),
    at(text, 'Gamma Ltd', 'ORG', 'rules'),
    at(text, 'Beta\nGamma Ltd', 'ORG', 'model'),
  ]);
  assert.deepEqual(show(kept), ['ORG:Acme Corp:rules', 'ORG:Gamma Ltd:rules']);
});

test('a rule span running over a line break of a name list yields to the span inside it on one line', () => {
  const text = 'Parties:\nAcme Holdings\nBeta Widgets Corp.';
  const kept = resolveOverlaps([
    at(text, 'Acme Holdings\nBeta Widgets Corp.', 'ORG', 'rules'),
    at(text, 'Acme Holdings', 'ORG', 'llm'),
    at(text, 'Beta Widgets Corp.', 'ORG', 'llm'),
  ]);
  assert.deepEqual(show(kept), ['ORG:Acme Holdings:llm', 'ORG:Beta Widgets Corp.:llm']);
});

test("the LLM's type wins on the same span of a generic rule, the rule's role stays; the model retypes nothing", () => {
  const text = 'Denver v. Kenya Airways';
  const rule = at(text, 'Denver', 'PERSON', 'rules', { role: 'plaintiff' });
  assert.deepEqual(show(resolveOverlaps([rule, at(text, 'Denver', 'ORG', 'llm')])), ['ORG:Denver:rules:plaintiff']);
  assert.deepEqual(show(resolveOverlaps([rule, at(text, 'Denver', 'ORG', 'model')])), ['PERSON:Denver:rules:plaintiff']);
  const court = at(text, 'Denver', 'COURT', 'rules');
  assert.deepEqual(
    show(resolveOverlaps([court, at(text, 'Denver', 'LOCATION', 'llm')])),
    ['COURT:Denver:rules'],
    'a legal type is not retyped',
  );
});

test('between equal spans of equal rank, the one that carries a role or whom a lawyer acts for wins', () => {
  const text = 'Through: Mr. Anil Verma, Advocate';
  const plain = at(text, 'Anil Verma', 'LAWYER', 'rules');
  const withRole = at(text, 'Anil Verma', 'LAWYER', 'rules', { forRole: 'petitioner' });
  assert.deepEqual(
    resolveOverlaps([plain, withRole]).map((m) => m.meta?.forRole),
    ['petitioner'],
  );
  assert.deepEqual(
    resolveOverlaps([withRole, plain]).map((m) => m.meta?.forRole),
    ['petitioner'],
  );
});

test('a rule span is not extended over cue or role words the model took into a name ("Versus", "Mr.")', () => {
  const text = 'Rakesh Chauhan ... Applicant Versus Central Bureau of Investigation; Mr. Anil Verma, Advocate';
  const kept = resolveOverlaps([
    at(text, 'Central Bureau of Investigation', 'ORG', 'rules', { role: 'respondent' }),
    at(text, 'Versus Central Bureau of Investigation', 'ORG', 'model'),
    at(text, 'Anil Verma', 'LAWYER', 'rules'),
    at(text, 'Mr. Anil Verma', 'PERSON', 'model'),
  ]);
  assert.deepEqual(show(kept), ['ORG:Central Bureau of Investigation:rules:respondent', 'LAWYER:Anil Verma:rules']);
});
