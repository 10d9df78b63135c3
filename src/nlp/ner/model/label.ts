/** Labelling raw text with a sequence model: tokens -> features -> Viterbi -> entity spans with confidences. */
import { makeMention, type EntityType, type Mention } from '../types.ts';
import { tokenFeatures } from './features.ts';
import { emissions, featureIds, viterbi, type SequenceModel } from './perceptron.ts';
import { tokenize, type Tokens } from './tokenize.ts';

/** Model tag type -> docpipe entity type; OTHER (MISC) is trained but not emitted. */
const EMIT: Record<string, EntityType | undefined> = { PERSON: 'PERSON', ORG: 'ORG', LOCATION: 'LOCATION' };

/** Tag of every token (strings such as 'B-ORG'). */
export function labelTokens(model: SequenceModel, tokens: Tokens): string[] {
  const feats = tokenFeatures(tokens);
  const out: string[] = new Array(tokens.words.length);
  for (const [from, to] of tokens.sentences) {
    const ids = featureIds(model.features, feats.slice(from, to));
    const path = viterbi(emissions(model, ids), ids.length, model.tags, model.transitions);
    for (let i = from; i < to; i++) out[i] = model.tags[path[i - from]!]!;
  }
  return out;
}

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

export function labelText(model: SequenceModel, text: string): Mention[] {
  const tokens = tokenize(text);
  const tags = labelTokens(model, tokens);
  const out: Mention[] = [];
  for (const [tag, first, end] of tagSpans(tags)) {
    const type = EMIT[tag];
    if (!type) continue;
    const m = makeMention(text, type, tokens.starts[first]!, tokens.ends[end - 1]!, 'model', 0.8);
    if (m) out.push(m);
  }
  return out;
}
