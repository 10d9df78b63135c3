/**
 * Training the shipped model: labelled documents -> tokens with projected BIO tags -> features ->
 * averaged perceptron. The tokens are those the recogniser sees at run time (tokenize.ts), so the
 * model is trained on the tokens it decodes (sentences are the corpora's own).
 */
import { tokenFeatures } from './features.ts';
import { trainPerceptron, type SequenceModel, type TrainingSentence, type TrainOptions } from './perceptron.ts';
import { tokenize } from './tokenize.ts';
import { documentText, type Corpus, type LabelledDocument } from './training-data.ts';

const TAGS = ['O', 'B-PERSON', 'I-PERSON', 'B-ORG', 'I-ORG', 'B-LOCATION', 'I-LOCATION', 'B-OTHER', 'I-OTHER'] as const;

export const DEFAULT_OPTIONS: TrainOptions & { oversample: Partial<Record<Corpus, number>> } = {
  epochs: 10,
  seed: 17,
  minCount: 2,
  // wikigold is the closest to newswire, the target domain
  oversample: { wikigold: 4 },
};

/**
 * One document as run-time tokens with BIO tags projected from its entity spans, cut at the gold
 * sentence boundaries; the features see the whole document, as at run time.
 */
function toTrainingSentences(doc: LabelledDocument): { sentences: TrainingSentence[]; misaligned: number } {
  const { text, entities } = documentText(doc);
  const tokens = tokenize(text);
  // gold sentences: [start, end) in the text, one space apart
  const bounds: number[] = [];
  let at = 0;
  for (const s of doc.sentences) {
    bounds.push(at);
    at += s.text.length + 1;
  }
  tokens.sentences = [];
  let k = 0;
  for (let i = 0; i < tokens.words.length; i++) {
    let starts = i === 0;
    while (k + 1 < bounds.length && tokens.starts[i]! >= bounds[k + 1]!) {
      k++;
      starts = true;
    }
    if (starts) tokens.sentences.push([i, i + 1]);
    else tokens.sentences.at(-1)![1] = i + 1;
  }
  const tags = tokens.words.map(() => 'O');
  let misaligned = 0;
  for (const e of entities) {
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
  const features = tokenFeatures(tokens);
  const sentences = tokens.sentences.map(([from, to]) => ({ features: features.slice(from, to), tags: tags.slice(from, to) }));
  return { sentences, misaligned };
}

function trainingSentences(
  docs: readonly LabelledDocument[],
  oversample: Partial<Record<Corpus, number>>,
): { data: TrainingSentence[]; misaligned: number } {
  const data: TrainingSentence[] = [];
  let misaligned = 0;
  for (const doc of docs) {
    const t = toTrainingSentences(doc);
    misaligned += t.misaligned;
    for (let k = 0; k < (oversample[doc.corpus] ?? 1); k++) data.push(...t.sentences);
  }
  return { data, misaligned };
}

export function trainModel(docs: readonly LabelledDocument[], options = DEFAULT_OPTIONS): SequenceModel {
  const { data } = trainingSentences(docs, options.oversample);
  return trainPerceptron(data, TAGS, options);
}
