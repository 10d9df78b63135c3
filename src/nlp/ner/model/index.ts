/**
 * The local trained entity recogniser: people, organisations and places in raw text.
 * The shipped model (en-ner.model.gz, trained by `npm run train:ner`) is loaded once per process.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Mention } from '../types.ts';
import { labelText } from './label.ts';
import type { SequenceModel } from './perceptron.ts';
import { deserialiseModel } from './serialise.ts';

export const MODEL_FILE = fileURLToPath(new URL('./en-ner.model.gz', import.meta.url));

let loaded: SequenceModel | undefined;

/** The shipped model, read on first use. */
export function shippedModel(): SequenceModel {
  loaded ??= deserialiseModel(readFileSync(MODEL_FILE));
  return loaded;
}

/** PERSON / ORG / LOCATION mentions of `text` (method 'model'), offsets exact. */
export function recogniseWithModel(text: string): Mention[] {
  return labelText(shippedModel(), text);
}
