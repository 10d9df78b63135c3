// Reads ../shared/ner-train (the NER training corpora): run by `node scripts/run-tests.js corpus`.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { evaluateNer, formatEvaluation } from '../../bench/stage-bench/ner-eval.ts';
import { recogniseWithModel } from '../../src/nlp/ner/model/index.ts';
import { readTrainingData, splitOf } from '../../src/nlp/ner/model/training-data.ts';

const DIR =
  process.env.NER_TRAIN_DIR ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'ner-train');

test('the corpora split into train, dev and test by a fixed rule, every document in one part', () => {
  assert.ok(existsSync(DIR), `NER training corpora not found at ${DIR} (set NER_TRAIN_DIR)`);
  const docs = readTrainingData(DIR);
  const again = readTrainingData(DIR);
  assert.deepEqual(docs.map(splitOf), again.map(splitOf));
  const sentences = (split: string) => docs.filter((d) => splitOf(d) === split).reduce((n, d) => n + d.sentences.length, 0);
  const total = sentences('train') + sentences('dev') + sentences('test');
  assert.ok(sentences('test') > total * 0.08 && sentences('dev') > total * 0.08, 'test and dev each hold about a tenth');
  assert.ok(
    docs.filter((d) => d.id.startsWith('FIN3')).every((d) => splitOf(d) === 'test'),
    'SEC FIN3 is test',
  );
  assert.equal(new Set(docs.map((d) => d.id)).size, docs.length, 'document ids are unique');
});

test('the shipped model scores above a floor on the held-back test split (exact span and type)', () => {
  const result = evaluateNer((text) => recogniseWithModel(text), DIR, 'test');
  console.log(formatEvaluation(result));
  assert.ok(result.overall.f1 >= 0.68, `overall F1 ${result.overall.f1}`);
  assert.ok(result.byType.PERSON!.f1 >= 0.75, `PERSON F1 ${result.byType.PERSON!.f1}`);
  assert.ok(result.byType.LOCATION!.f1 >= 0.6, `LOCATION F1 ${result.byType.LOCATION!.f1}`);
  assert.ok(result.byType.ORG!.f1 >= 0.45, `ORG F1 ${result.byType.ORG!.f1}`);
});
