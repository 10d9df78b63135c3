/**
 * The local trained entity recogniser: people, organisations and places in raw text.
 * The shipped model (en-ner.model.gz, trained by `npm run train:ner`) is loaded once per process.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Mention } from '../types.ts';
import { consistentMentions } from './consistency.ts';
import { labelText } from './label.ts';
import type { SequenceModel } from './perceptron.ts';
import { deserialiseModel } from './serialise.ts';

export { consistentMentions } from './consistency.ts';

export const MODEL_FILE = fileURLToPath(new URL('./en-ner.model.gz', import.meta.url));

let loaded: SequenceModel | undefined;

/** The shipped model, read on first use. */
export function shippedModel(): SequenceModel {
  loaded ??= deserialiseModel(readFileSync(MODEL_FILE));
  return loaded;
}

export interface ModelOptions {
  /** Label every occurrence of a recognised name and its short forms alike (default true). */
  consistency?: boolean;
  /** A model other than the shipped one (training, tests). */
  model?: SequenceModel;
}

/** PERSON / ORG / LOCATION mentions of `text` (method 'model'), offsets exact. */
export function recogniseWithModel(text: string, options: ModelOptions = {}): Mention[] {
  const mentions = labelText(options.model ?? shippedModel(), text);
  return options.consistency === false ? mentions : consistentMentions(text, mentions);
}
