/**
 * Entity quality of the local recogniser, for `npm run bench` (section "Entities") or on its own:
 * `node --import tsx bench/stage-bench/ner-quality.ts`. Exact span and type; never tuned on:
 * - the held-back test split of ../shared/ner-train (PERSON / ORG / LOCATION; split in
 *   src/nlp/ner/model/training-data.ts), for the model alone, the whole local path, and the local
 *   path with compromise in the model's place (how names were found before), measured in the same run;
 * - the held-back half of the hand-written common-law legal set (test/fixtures/ner/legal-commonlaw.conll):
 *   found in any role and typed by role;
 * - the model's size and the CPU time to train it again.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { recogniseCaptions, recogniseCaseNameLines } from '../../src/nlp/ner/caption.ts';
import { recogniseWithCompromise } from '../../src/nlp/ner/compromise.ts';
import type { Scores } from '../../src/nlp/ner/conll.ts';
import { recogniseLocal, withDefinedTerms } from '../../src/nlp/ner/local.ts';
import { resolveOverlaps } from '../../src/nlp/ner/merge.ts';
import { recogniseWithRules } from '../../src/nlp/ner/rules.ts';
import type { Mention } from '../../src/nlp/ner/types.ts';
import { recogniseWithWink } from '../../src/nlp/ner/wink.ts';
import { evaluateLegal } from './ner-legal-eval.ts';
import { evaluateNer, nerModelReport, type NerEvaluation } from './ner-eval.ts';

/** The local path with compromise in the model's place (how it recognised names before the model): the peer. */
export function recogniseWithCompromisePath(text: string): Mention[] {
  const candidates = [
    ...recogniseCaseNameLines(text),
    ...recogniseCaptions(text),
    ...recogniseWithRules(text),
    ...recogniseWithWink(text),
    ...recogniseWithCompromise(text),
  ];
  return withDefinedTerms(text, resolveOverlaps(candidates));
}

const f = (s: Scores | undefined) => (s ? s.f1.toFixed(3) : '');
const pr = (s: Scores | undefined) => (s ? `${s.precision.toFixed(3)} / ${s.recall.toFixed(3)}` : '');

function splitRows(name: string, e: NerEvaluation): string {
  const t = e.byType;
  const c = e.byCorpus;
  return `| ${name} | ${f(t['PERSON'])} | ${f(t['ORG'])} | ${f(t['LOCATION'])} | **${f(e.overall)}** | ${pr(e.overall)} | ${f(c['wikigold'])} | ${f(c['sec'])} | ${f(c['btc'])} | ${f(c['wnut17'])} | ${Math.round(e.wordsPerSecond).toLocaleString('en-US')} |`;
}

export function nerQualityMarkdown(
  repoRoot: string,
  trainDir = process.env['NER_TRAIN_DIR'] ?? path.resolve(repoRoot, '../shared/ner-train'),
): string {
  const out = ['### Entities (local recogniser, held-back data, exact span and type)', ''];
  let report;
  try {
    report = nerModelReport(trainDir, { train: true });
  } catch (err) {
    return [...out, `skipped: ${trainDir} unreadable (${(err as Error).message})`].join('\n');
  }
  const local = evaluateNer(recogniseLocal, trainDir, 'test');
  const before = evaluateNer(recogniseWithCompromisePath, trainDir, 'test');
  out.push(
    `Held-back test split of the NER training corpora (${report.test.documents} documents, never tuned on), F1:`,
    '',
    '| recogniser | PERSON | ORG | LOCATION | all | P / R | wikigold | SEC | BTC | WNUT17 | words per CPU-second |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    splitRows('trained model alone', report.test),
    splitRows('local path (rules + model + wink)', local),
    splitRows('compromise instead of the model', before),
    '',
    `Model: ${(report.modelBytes / 1024).toFixed(0)} KiB, ${report.modelFeatures.toLocaleString('en-US')} features; training again: ${report.trainCpuSeconds?.toFixed(1)} CPU seconds. ` +
      'The local path drops what the model takes for names but the product does not: role words the SEC data labels as parties ("Borrower", "Lender") and lower-case Twitter handles (BTC, WNUT17).',
    '',
  );
  const legal = { local: evaluateLegal(recogniseLocal, 'test'), before: evaluateLegal(recogniseWithCompromisePath, 'test') };
  out.push(
    `Common-law legal set, held-back half (${legal.local.sentences} sentences, ${legal.local.entities} entities; written by the project):`,
    '',
    '| recogniser | found in any role F1 | typed by role F1 |',
    '|---|---:|---:|',
    `| local path | **${f(legal.local.anyRole)}** | **${f(legal.local.typed)}** |`,
    `| compromise instead of the model | ${f(legal.before.anyRole)} | ${f(legal.before.typed)} |`,
    '',
    '| label | P | R | F1 |',
    '|---|---:|---:|---:|',
    ...[...legal.local.byLabel].map(
      ([label, s]) => `| ${label} | ${s.precision.toFixed(3)} | ${s.recall.toFixed(3)} | ${s.f1.toFixed(3)} |`,
    ),
  );
  return out.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stdout.write(`${nerQualityMarkdown(path.resolve(fileURLToPath(new URL('../..', import.meta.url))))}\n`);
}
