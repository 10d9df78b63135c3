import assert from 'node:assert/strict';
import { test } from 'node:test';
import { shapes, tokenFeatures } from '../../src/nlp/ner/model/features.ts';
import { confidenceOf, labelTokens, sentenceScores, tagSpans } from '../../src/nlp/ner/model/label.ts';
import {
  emissions,
  featureIds,
  random,
  tokenMargins,
  trainPerceptron,
  viterbi,
  type SequenceModel,
} from '../../src/nlp/ner/model/perceptron.ts';
import { deserialiseModel, serialiseModel } from '../../src/nlp/ner/model/serialise.ts';
import { tokenize } from '../../src/nlp/ner/model/tokenize.ts';
import { featureContext } from '../../src/nlp/ner/model/features.ts';

const PIECES = [
  'Acme',
  'Corp.',
  'Inc.',
  'U.S.',
  'No.',
  'J.',
  'Smith',
  "O'Brien",
  "Acme's",
  'co-op',
  'AT&T',
  '3.5',
  '$1,250,000',
  '(',
  ')',
  '"',
  '“',
  '”',
  'e.g.',
  'x',
  '§',
  '—',
  'naïve',
  'Zürich',
  '#tag',
  '@user',
  'http://a.b/c?d=1',
  '.',
  ',',
  '?!',
  '2021-03-04',
  '\u00a0',
];
const GAPS = [' ', '  ', '\n', '\n\n', '\t', '', ' \r\n '];

test('tokens are exact slices of the text, in order, without overlap, covering every non-space character', () => {
  const next = random(7);
  for (let n = 0; n < 300; n++) {
    let text = '';
    const count = 1 + Math.floor(next() * 25);
    for (let k = 0; k < count; k++) text += PIECES[Math.floor(next() * PIECES.length)]! + GAPS[Math.floor(next() * GAPS.length)]!;
    const t = tokenize(text);
    let covered = '';
    let at = 0;
    t.words.forEach((w, i) => {
      assert.equal(text.slice(t.starts[i], t.ends[i]), w);
      assert.ok(t.starts[i]! >= at && t.ends[i]! > t.starts[i]!, `token ${i} of ${JSON.stringify(text)}`);
      covered += w;
      at = t.ends[i]!;
    });
    assert.equal(covered, text.replace(/\s+/g, ''));
    // sentences partition the tokens
    let next0 = 0;
    for (const [from, to] of t.sentences) {
      assert.equal(from, next0);
      assert.ok(to > from);
      next0 = to;
    }
    assert.equal(next0, t.words.length);
  }
});

test('abbreviations and initials keep their period; possessives split; sentences end at a stop before a capital', () => {
  const t = tokenize("Acme Corp. and J. Smith of the U.S. met Mr. Jones. Acme's lawyer left.\n\nNo. 5 was next");
  assert.deepEqual(t.words, [
    'Acme',
    'Corp.',
    'and',
    'J.',
    'Smith',
    'of',
    'the',
    'U.S.',
    'met',
    'Mr.',
    'Jones',
    '.',
    'Acme',
    "'s",
    'lawyer',
    'left',
    '.',
    'No.',
    '5',
    'was',
    'next',
  ]);
  assert.deepEqual(t.sentences, [
    [0, 12],
    [12, 17],
    [17, 21],
  ]);
  assert.equal(t.lineStart[17], true);
  assert.equal(t.lineStart[12], false);
});

test('shapes: long and collapsed', () => {
  assert.deepEqual(shapes('Acme-2'), ['Xxxx-d', 'Xx-d']);
  assert.deepEqual(shapes('U.S.'), ['X.X.', 'X.X.']);
  assert.deepEqual(shapes('Zürich'), ['Xxxxxx', 'Xx']);
});

/** A hand-made model over tags O, B-X, I-X with one feature per word. */
function tinyModel(): SequenceModel {
  const tags = ['O', 'B-X', 'I-X'];
  const features = new Map([
    ['a', 0],
    ['b', 1],
  ]);
  // 'a' prefers B-X a little, 'b' prefers I-X strongly but I-X may not follow O
  const weights = Float32Array.from([0, 1, 0, 0.5, 0, 3]);
  const transitions = new Float32Array(4 * 3);
  transitions[1 * 3 + 1] = -2; // B-X -> B-X penalised
  return { tags, features, weights, transitions };
}

test('Viterbi returns the best path that respects BIO (brute force over all paths)', () => {
  const model = tinyModel();
  const T = 3;
  for (const words of [['a', 'b'], ['b', 'b'], ['a', 'a', 'b'], ['b', 'a', 'b', 'b'], ['b']]) {
    const ids = words.map((w) => Int32Array.of(model.features.get(w)!));
    const scores = emissions(model, ids);
    const path = viterbi(scores, words.length, model.tags, model.transitions);
    let best = -Infinity;
    let bestPath: number[] = [];
    for (let code = 0; code < T ** words.length; code++) {
      const p = words.map((_, i) => Math.floor(code / T ** i) % T);
      if (p.some((t, i) => t === 2 && (i === 0 || p[i - 1] === 0))) continue;
      let s = 0;
      p.forEach((t, i) => (s += scores[i * T + t]! + model.transitions[(i ? p[i - 1]! : T) * T + t]!));
      if (s > best) {
        best = s;
        bestPath = p;
      }
    }
    assert.deepEqual([...path], bestPath, words.join(' '));
  }
  // margins: best path score minus the best path giving the token another tag (brute force)
  const words = ['b', 'a', 'b', 'b'];
  const scores = emissions(
    model,
    words.map((w) => Int32Array.of(model.features.get(w)!)),
  );
  const path = viterbi(scores, words.length, model.tags, model.transitions);
  const margins = tokenMargins(scores, words.length, model.tags, model.transitions, path);
  const all: Array<{ p: number[]; s: number }> = [];
  for (let code = 0; code < T ** words.length; code++) {
    const p = words.map((_, i) => Math.floor(code / T ** i) % T);
    if (p.some((t, i) => t === 2 && (i === 0 || p[i - 1] === 0))) continue;
    let s = 0;
    p.forEach((t, i) => (s += scores[i * T + t]! + model.transitions[(i ? p[i - 1]! : T) * T + t]!));
    all.push({ p, s });
  }
  const top = Math.max(...all.map((x) => x.s));
  words.forEach((_, i) => {
    const rival = Math.max(...all.filter((x) => x.p[i] !== path[i]).map((x) => x.s));
    assert.ok(Math.abs(margins[i]! - (top - rival)) < 1e-9, `margin of token ${i}`);
  });
  assert.equal(confidenceOf(0), 0.5);
  assert.ok(confidenceOf(40) > 0.5 && confidenceOf(40) < confidenceOf(200) && confidenceOf(200) <= 0.99);
  // 'b' alone scores best as I-X (3), which cannot start a sentence: O (0.5) wins
  assert.deepEqual([...viterbi(emissions(model, [Int32Array.of(1)]), 1, model.tags, model.transitions)], [0]);
});

const DATA = [
  ['Yesterday Anna Berg visited Oslo .', 'O B-PERSON I-PERSON O B-LOCATION O'],
  ['Berg works for Norsk Hydro in Bergen .', 'B-PERSON O O B-ORG I-ORG O B-LOCATION O'],
  ['Norsk Hydro hired Anna Berg .', 'B-ORG I-ORG O B-PERSON I-PERSON O'],
  ['The weather in Oslo was cold .', 'O O O B-LOCATION O O O'],
  ['Bergen and Oslo are cities .', 'B-LOCATION O B-LOCATION O O O'],
];

function tinyData() {
  return DATA.map(([text, tags]) => {
    const tokens = tokenize(text!);
    tokens.sentences = [[0, tokens.words.length]];
    return { features: tokenFeatures(tokens), tags: tags!.split(' ') };
  });
}

const TAGS = ['O', 'B-PERSON', 'I-PERSON', 'B-ORG', 'I-ORG', 'B-LOCATION', 'I-LOCATION'];

test('training is deterministic for a seed and learns a tiny data set', () => {
  const a = trainPerceptron(tinyData(), TAGS, { epochs: 8, seed: 3, minCount: 1 });
  const b = trainPerceptron(tinyData(), TAGS, { epochs: 8, seed: 3, minCount: 1 });
  assert.deepEqual([...a.features], [...b.features]);
  assert.deepEqual(a.weights, b.weights);
  assert.deepEqual(a.transitions, b.transitions);
  assert.ok(serialiseModel(a).equals(serialiseModel(b)), 'same model file bytes');
  for (const [i, s] of tinyData().entries()) {
    const path = viterbi(emissions(a, featureIds(a.features, s.features)), s.tags.length, TAGS, a.transitions);
    assert.deepEqual(
      [...path].map((t) => TAGS[t]),
      s.tags,
      DATA[i]![0],
    );
  }
});

test('the model file round-trips, and the cached scoring equals scoring from feature strings', () => {
  const model = deserialiseModel(serialiseModel(trainPerceptron(tinyData(), TAGS, { epochs: 5, seed: 1, minCount: 1 })));
  assert.throws(() => deserialiseModel(serialiseModel(model).subarray(0, 20)), /unexpected end|incorrect header|trailing|format/);
  const tokens = tokenize('Anna Berg of Norsk Hydro flew to Bergen. Then Oslo hosted Berg.');
  const strings = tokenFeatures(tokens);
  const ctx = featureContext(tokens);
  for (const [from, to] of tokens.sentences) {
    const expected = emissions(model, featureIds(model.features, strings.slice(from, to)));
    const actual = sentenceScores(model, ctx, from, to);
    assert.equal(actual.length, expected.length);
    actual.forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) < 1e-6, `score ${i}: ${v} vs ${expected[i]}`));
  }
  assert.equal(labelTokens(model, tokens).tags.length, tokens.words.length);
});

test('tagSpans groups B-/I- runs and starts a new span at a type change', () => {
  assert.deepEqual(tagSpans(['B-ORG', 'I-ORG', 'O', 'B-PERSON', 'B-PERSON', 'I-PERSON', 'I-ORG']), [
    ['ORG', 0, 2],
    ['PERSON', 3, 4],
    ['PERSON', 4, 6],
    ['ORG', 6, 7],
  ]);
});
