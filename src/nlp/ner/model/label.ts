/** Labelling raw text with a sequence model: tokens -> features -> Viterbi -> entity spans with confidences. */
import { ORG_SUFFIXES, withUpper } from '../gazetteers.ts';
import { makeMention, type EntityType, type Mention } from '../types.ts';
import {
  contextFeatures,
  featureContext,
  infoAt,
  neighbourFeature,
  NEIGHBOURS,
  wordFeatures,
  type FeatureContext,
  type WordInfo,
} from './features.ts';
import { tokenMargins, viterbi, type SequenceModel } from './perceptron.ts';
import { tokenize, type Tokens } from './tokenize.ts';

/** Model tag type -> docpipe entity type; OTHER (MISC) is trained but not emitted. */
const EMIT: Record<string, EntityType | undefined> = { PERSON: 'PERSON', ORG: 'ORG', LOCATION: 'LOCATION' };

interface WordScores {
  /** Summed weights of the word's own features, per tag. */
  local: Float64Array;
  /** Row of `lw<k>=<word>` for each NEIGHBOURS offset k (-1: no such feature). */
  neighbour: Int32Array;
}

/** Per model: word -> its cached scores (bounded; cleared when full). */
const caches = new WeakMap<SequenceModel, Map<string, WordScores>>();

function wordScores(model: SequenceModel, cache: Map<string, WordScores>, info: WordInfo): WordScores {
  let hit = cache.get(info.word);
  if (hit) return hit;
  const T = model.tags.length;
  const local = new Float64Array(T);
  for (const f of wordFeatures(info)) {
    const row = model.features.get(f);
    if (row !== undefined) for (let t = 0; t < T; t++) local[t]! += model.weights[row * T + t]!;
  }
  const neighbour = Int32Array.from(NEIGHBOURS, (k) => model.features.get(neighbourFeature(k, info.lower)) ?? -1);
  hit = { local, neighbour };
  if (cache.size > 100_000) cache.clear();
  cache.set(info.word, hit);
  return hit;
}

function addRow(model: SequenceModel, scores: Float64Array, at: number, row: number | undefined): void {
  if (row === undefined || row < 0) return;
  const T = model.tags.length;
  for (let t = 0; t < T; t++) scores[at + t]! += model.weights[row * T + t]!;
}

/** Emission scores of the sentence [from, to): the same features as tokenFeatures, word parts cached. */
export function sentenceScores(model: SequenceModel, ctx: FeatureContext, from: number, to: number): Float64Array {
  let cache = caches.get(model);
  if (!cache) caches.set(model, (cache = new Map()));
  const T = model.tags.length;
  const scores = new Float64Array((to - from) * T);
  const padRows = new Map<string, number | undefined>();
  for (let i = from; i < to; i++) {
    const at = (i - from) * T;
    scores.set(wordScores(model, cache, ctx.info[i]!).local, at);
    NEIGHBOURS.forEach((k, n) => {
      const j = i + k;
      if (j >= from && j < to) addRow(model, scores, at, wordScores(model, cache, ctx.info[j]!).neighbour[n]);
      else {
        const f = neighbourFeature(k, infoAt(ctx, j, from, to).lower);
        if (!padRows.has(f)) padRows.set(f, model.features.get(f));
        addRow(model, scores, at, padRows.get(f));
      }
    });
    for (const f of contextFeatures(ctx, i, from, to)) addRow(model, scores, at, model.features.get(f));
  }
  return scores;
}

/** Tag of every token (strings such as 'B-ORG') and how far ahead it is of the next best tag. */
export function labelTokens(model: SequenceModel, tokens: Tokens): { tags: string[]; margins: Float64Array } {
  const ctx = featureContext(tokens);
  const tags: string[] = new Array(tokens.words.length);
  const margins = new Float64Array(tokens.words.length);
  for (const [from, to] of tokens.sentences) {
    const scores = sentenceScores(model, ctx, from, to);
    const path = viterbi(scores, to - from, model.tags, model.transitions);
    margins.set(tokenMargins(scores, to - from, model.tags, model.transitions, path), from);
    for (let i = from; i < to; i++) tags[i] = model.tags[path[i - from]!]!;
  }
  return { tags, margins };
}

/** Confidence of a mention from its weakest token's margin: 0.5 at a tie, towards 0.99 when clear. */
export function confidenceOf(margin: number): number {
  return Math.round((0.5 + 0.49 * (1 - Math.exp(-Math.max(0, margin) / MARGIN_SCALE))) * 1000) / 1000;
}

/** Margin (in model score units; token margins of the shipped model mostly lie between 20 and 150) at which confidence is about 0.81. */
const MARGIN_SCALE = 50;

/** Spans of B-/I- runs: `[type, first token, last token + 1]`. */
export function tagSpans(tags: readonly string[]): Array<[string, number, number]> {
  const spans: Array<[string, number, number]> = [];
  tags.forEach((tag, i) => {
    const type = tag.slice(2);
    const last = spans.at(-1);
    if (tag.startsWith('I-') && last && last[0] === type && last[2] === i) last[2] = i + 1;
    else if (tag !== 'O') spans.push([type, i, i + 1]);
  });
  return spans;
}

const LEGAL_FORMS = new Set(withUpper(ORG_SUFFIXES));

/** An organisation runs on over a legal form right after it ("Brightline Logistics, LLC"). */
function withLegalForm(tokens: Tokens, tags: readonly string[], end: number): number {
  const at = tokens.words[end] === ',' ? end + 1 : end;
  const word = tokens.words[at];
  if (word === undefined || !LEGAL_FORMS.has(word) || tags[end] !== 'O' || tags[at] !== 'O') return end;
  return at + 1;
}

export function labelText(model: SequenceModel, text: string): Mention[] {
  const tokens = tokenize(text);
  const { tags, margins } = labelTokens(model, tokens);
  const out: Mention[] = [];
  for (const [tag, first, last] of tagSpans(tags)) {
    const type = EMIT[tag];
    if (!type) continue;
    const end = type === 'ORG' ? withLegalForm(tokens, tags, last) : last;
    let margin = Infinity;
    for (let i = first; i < last; i++) margin = Math.min(margin, margins[i]!);
    const m = makeMention(text, type, tokens.starts[first]!, tokens.ends[end - 1]!, 'model', confidenceOf(margin));
    if (m) out.push(m);
  }
  return out;
}
