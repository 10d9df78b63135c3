/**
 * Entity-level precision / recall / F1 of a recogniser on a split of the NER training corpora
 * (../shared/ner-train by default): exact span and type per document, PERSON / ORG / LOCATION only.
 * Takes the recogniser as a parameter so the whole local path can be measured the same way.
 */
import { statSync } from 'node:fs';
import { evaluate, type GoldEntity, type Scores } from '../../src/nlp/ner/conll.ts';
import { MODEL_FILE, recogniseWithModel, shippedModel } from '../../src/nlp/ner/model/index.ts';
import { trainModel } from '../../src/nlp/ner/model/train.ts';
import {
  documentText,
  readTrainingData,
  splitOf,
  type Corpus,
  type LabelledDocument,
  type Split,
} from '../../src/nlp/ner/model/training-data.ts';
import type { Mention } from '../../src/nlp/ner/types.ts';

export type Recogniser = (text: string) => Mention[];

const SCORED = new Set(['PERSON', 'ORG', 'LOCATION']);

export interface NerEvaluation {
  split: Split;
  documents: number;
  overall: Scores;
  byType: Record<string, Scores>;
  byCorpus: Record<string, Scores>;
  /** Words per second of CPU time (one core), so a busy machine does not skew it. */
  wordsPerSecond: number;
}

function score(docs: readonly LabelledDocument[], predictions: Map<LabelledDocument, GoldEntity[]>) {
  const gold = docs.map((d) => documentText(d).entities.filter((e) => SCORED.has(e.type)));
  return evaluate(
    gold,
    docs.map((d) => predictions.get(d) ?? []),
  );
}

/** Scores `recognise` on one split of the corpora in `dir` (default: the held-back test split). */
export function evaluateNer(recognise: Recogniser, dir: string, split: Split = 'test', docs?: readonly LabelledDocument[]): NerEvaluation {
  const chosen = (docs ?? readTrainingData(dir)).filter((d) => splitOf(d) === split);
  const predictions = new Map<LabelledDocument, GoldEntity[]>();
  let words = 0;
  let cpu = 0;
  for (const doc of chosen) {
    const { text } = documentText(doc);
    const c0 = process.cpuUsage();
    const found = recognise(text);
    const c = process.cpuUsage(c0);
    cpu += c.user + c.system;
    words += text.split(/\s+/).filter(Boolean).length;
    predictions.set(
      doc,
      found.filter((m) => SCORED.has(m.type)).map((m) => ({ type: m.type, start: m.start, end: m.end })),
    );
  }
  const all = score(chosen, predictions);
  const byCorpus: Record<string, Scores> = {};
  for (const corpus of ['sec', 'wikigold', 'btc', 'wnut17'] satisfies Corpus[]) {
    const part = chosen.filter((d) => d.corpus === corpus);
    if (part.length) byCorpus[corpus] = score(part, predictions).overall;
  }
  return {
    split,
    documents: chosen.length,
    overall: all.overall,
    byType: Object.fromEntries(all.byType),
    byCorpus,
    wordsPerSecond: words / (cpu / 1e6),
  };
}

/** One line per type and corpus, for logs and reports. */
export function formatEvaluation(e: NerEvaluation): string {
  const f = (s: Scores) => `P ${s.precision.toFixed(3)} R ${s.recall.toFixed(3)} F1 ${s.f1.toFixed(3)} (tp ${s.tp} fp ${s.fp} fn ${s.fn})`;
  const lines = [`${e.split}: ${e.documents} documents, ${Math.round(e.wordsPerSecond)} words/s`, `  all       ${f(e.overall)}`];
  for (const [type, s] of Object.entries(e.byType)) lines.push(`  ${type.padEnd(9)} ${f(s)}`);
  for (const [corpus, s] of Object.entries(e.byCorpus)) lines.push(`  [${corpus}] ${' '.repeat(Math.max(0, 7 - corpus.length))}${f(s)}`);
  return lines.join('\n');
}

export interface NerModelReport {
  test: NerEvaluation;
  modelBytes: number;
  modelFeatures: number;
  /** CPU seconds to train the model again (only when asked: about half a minute). */
  trainCpuSeconds?: number;
}

/** The figures for the bench report: held-back test scores of `recognise` (default: the model alone), model size, training time. */
export function nerModelReport(dir: string, options: { recognise?: Recogniser; train?: boolean } = {}): NerModelReport {
  const docs = readTrainingData(dir);
  const report: NerModelReport = {
    test: evaluateNer(options.recognise ?? ((text) => recogniseWithModel(text)), dir, 'test', docs),
    modelBytes: statSync(MODEL_FILE).size,
    modelFeatures: shippedModel().features.size,
  };
  if (options.train) {
    const c0 = process.cpuUsage();
    trainModel(docs.filter((d) => splitOf(d) === 'train'));
    const c = process.cpuUsage(c0);
    report.trainCpuSeconds = (c.user + c.system) / 1e6;
  }
  return report;
}
