/**
 * Training the shipped model: labelled documents -> tokens with projected BIO tags -> features ->
 * averaged perceptron. The tokens are those the recogniser sees at run time (tokenize.ts), so the
 * model is trained on exactly the segmentation it decodes.
 */
import type { LabelledSentence } from '../conll.ts';
import { tokenFeatures } from './features.ts';
import { trainPerceptron, type SequenceModel, type TrainingSentence, type TrainOptions } from './perceptron.ts';
import { tokenize } from './tokenize.ts';
import type { Corpus, LabelledDocument } from './training-data.ts';

export const TAGS = ['O', 'B-PERSON', 'I-PERSON', 'B-ORG', 'I-ORG', 'B-LOCATION', 'I-LOCATION', 'B-OTHER', 'I-OTHER'] as const;

export const DEFAULT_OPTIONS: TrainOptions & { oversample: Partial<Record<Corpus, number>> } = {
  epochs: 10,
  seed: 17,
  minCount: 2,
  // wikigold is the closest to newswire, the target domain
  oversample: { wikigold: 4 },
};

/** One gold sentence as run-time tokens with BIO tags projected from its entity spans. */
export function toTrainingSentence(sentence: LabelledSentence): TrainingSentence & { misaligned: number } {
  const tokens = tokenize(sentence.text);
  tokens.sentences = tokens.words.length ? [[0, tokens.words.length]] : [];
  const tags = tokens.words.map(() => 'O');
  let misaligned = 0;
  for (const e of sentence.entities) {
    let inside = false;
    for (let i = 0; i < tokens.words.length; i++) {
      const s = tokens.starts[i]!;
      const end = tokens.ends[i]!;
      if (end <= e.start || s >= e.end) continue;
      if (s < e.start || end > e.end) misaligned++;
      tags[i] = `${inside ? 'I' : 'B'}-${e.type}`;
      inside = true;
    }
  }
  return { features: tokenFeatures(tokens), tags, misaligned };
}

export function trainingSentences(docs: readonly LabelledDocument[], oversample: Partial<Record<Corpus, number>>): { data: TrainingSentence[]; misaligned: number } {
  const data: TrainingSentence[] = [];
  let misaligned = 0;
  for (const doc of docs) {
    for (const s of doc.sentences) {
      const t = toTrainingSentence(s);
      misaligned += t.misaligned;
      if (t.tags.length === 0) continue;
      for (let k = 0; k < (oversample[doc.corpus] ?? 1); k++) data.push(t);
    }
  }
  return { data, misaligned };
}

export function trainModel(docs: readonly LabelledDocument[], options = DEFAULT_OPTIONS): SequenceModel {
  const { data } = trainingSentences(docs, options.oversample);
  return trainPerceptron(data, TAGS, options);
}
