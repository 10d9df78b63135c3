/**
 * `npm run train:ner [-- <ner-train dir>]`: trains the local entity recogniser (seeded, deterministic)
 * on the train split of the NER corpora, writes src/nlp/ner/model/en-ner.model.gz, and prints
 * training time, model size and dev / test F1 per type. The corpora folder defaults to
 * ../shared/ner-train next to the repository, or NER_TRAIN_DIR. `--dry-run` skips writing the file.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { evaluateNer, formatEvaluation } from '../bench/stage-bench/ner-eval.ts';
import { MODEL_FILE, recogniseWithModel } from '../src/nlp/ner/model/index.ts';
import { deserialiseModel, serialiseModel } from '../src/nlp/ner/model/serialise.ts';
import { DEFAULT_OPTIONS, trainModel } from '../src/nlp/ner/model/train.ts';
import { readTrainingData, splitOf } from '../src/nlp/ner/model/training-data.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const dryRun = args.includes('--dry-run');
const dir = args.find((a) => !a.startsWith('--')) ?? process.env.NER_TRAIN_DIR ?? path.join(root, '..', 'shared', 'ner-train');
const epochs = Number(process.env.NER_EPOCHS ?? DEFAULT_OPTIONS.epochs);

const t0 = performance.now();
const cpu0 = process.cpuUsage();
let docs;
try {
  docs = readTrainingData(dir);
} catch (err) {
  console.error(`cannot read the NER training corpora in ${dir}: ${(err as Error).message}`);
  process.exit(2);
}
const train = docs.filter((d) => splitOf(d) === 'train');
const count = (split: string) => docs.filter((d) => splitOf(d) === split).reduce((n, d) => n + d.sentences.length, 0);
console.log(`corpora: ${docs.length} documents; sentences train ${count('train')}, dev ${count('dev')}, test ${count('test')}`);
const oversample = process.env.NER_OVERSAMPLE
  ? (JSON.parse(process.env.NER_OVERSAMPLE) as typeof DEFAULT_OPTIONS.oversample)
  : DEFAULT_OPTIONS.oversample;
const options = { ...DEFAULT_OPTIONS, epochs, oversample };
const trained = trainModel(train, options);
const file = serialiseModel(trained, {
  corpora: ['SEC-filings', 'wikigold', 'BTC', 'WNUT17'],
  split: 'training-data.ts splitOf',
  ...options,
});
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
console.log(
  `trained in ${seconds.toFixed(1)} s (${((cpu.user + cpu.system) / 1e6).toFixed(1)} s of CPU): ${trained.features.size} features before pruning, model file ${(file.length / 1024).toFixed(0)} KiB`,
);
const model = deserialiseModel(file);
console.log(`kept ${model.features.size} features`);
const recognise = (text: string) => recogniseWithModel(text, { model });
if (args.includes('--compare-consistency')) {
  console.log('without document-level consistency:');
  console.log(formatEvaluation(evaluateNer((text) => recogniseWithModel(text, { model, consistency: false }), dir, 'dev', docs)));
}
console.log(formatEvaluation(evaluateNer(recognise, dir, 'dev', docs)));
if (!args.includes('--no-test')) console.log(formatEvaluation(evaluateNer(recognise, dir, 'test', docs)));
if (!dryRun) {
  writeFileSync(MODEL_FILE, file);
  console.log(`wrote ${path.relative(root, MODEL_FILE)} (${file.length} bytes)`);
}
