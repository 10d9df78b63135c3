import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { evaluateLegal, formatLegal, LEGAL_SET } from '../../bench/stage-bench/ner-legal-eval.ts';
import { parseConll } from '../../src/nlp/ner/conll.ts';
import type { Mention } from '../../src/nlp/ner/types.ts';

test('CoNLL tags keep party roles and "# split" marks the sentences after it', () => {
  const [a, b] = parseConll(
    '# split = dev\n# text = Ann Lee v. Acme Corp.\nAnn B-PERSON@petitioner\nLee I-PERSON@petitioner\nv. O\nAcme B-ORG@respondent\nCorp. I-ORG@respondent\n\n# split = test\n# text = Bo Ek\nBo B-PERSON\nEk I-PERSON\n',
  );
  assert.deepEqual(a!.entities, [
    { type: 'PERSON', start: 0, end: 7, role: 'petitioner' },
    { type: 'ORG', start: 11, end: 21, role: 'respondent' },
  ]);
  assert.equal(a!.split, 'dev');
  assert.deepEqual([b!.split, b!.entities], ['test', [{ type: 'PERSON', start: 0, end: 5 }]]);
});

test('legal evaluation: "found in any role" ignores the type, "typed by role" scores a party by its role', () => {
  const gold = parseConll(readSet()).filter((s) => s.split === 'dev');
  const byText = new Map(gold.map((s) => [s.text, s.entities]));
  // a recogniser that finds every gold span but calls every party a plain PERSON without role
  const spansOnly = (text: string): Mention[] =>
    (byText.get(text) ?? []).map((e) => ({
      type: e.role ? 'PERSON' : e.type,
      start: e.start,
      end: e.end,
      value: text.slice(e.start, e.end),
      confidence: 1,
      method: 'rules',
    }));
  const r = evaluateLegal(spansOnly, 'dev');
  assert.equal(r.anyRole.f1, 1);
  assert.ok(r.typed.f1 < 1, 'parties without their role are not typed by role');
  assert.ok((r.byLabel.get('respondent')?.fn ?? 0) > 0);
  const perfect = (text: string): Mention[] =>
    (byText.get(text) ?? []).map((e) => ({
      type: e.type,
      start: e.start,
      end: e.end,
      value: text.slice(e.start, e.end),
      confidence: 1,
      method: 'rules',
      ...(e.role ? { meta: { role: e.role as never } } : {}),
    }));
  assert.equal(evaluateLegal(perfect, 'dev').typed.f1, 1);
  assert.match(formatLegal('dev', r), /found \(any\)\s+100\.0/);
});

function readSet(): string {
  return readFileSync(LEGAL_SET, 'utf8');
}
