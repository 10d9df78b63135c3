/**
 * Compact model file: gzip of a JSON header line, the kept feature strings (one per line) and the
 * weights quantised to 16-bit integers. Features whose weights all round to zero are dropped.
 *
 * Layout before gzip: `<header JSON>\n<feature>\n…<feature>\n` then `(F × T + (T + 1) × T) × int16 LE`.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import type { SequenceModel } from './perceptron.ts';

interface Header {
  format: 'docpipe-ner-perceptron';
  version: 1;
  tags: string[];
  features: number;
  /** weight = int16 × scale */
  scale: number;
  /** Free-form facts about the training run (corpora, split, epochs, seed). */
  info: Record<string, unknown>;
}

export function serialiseModel(model: SequenceModel, info: Record<string, unknown> = {}, minWeight = 0): Buffer {
  const T = model.tags.length;
  let maxAbs = 0;
  for (const v of model.weights) maxAbs = Math.max(maxAbs, Math.abs(v));
  for (const v of model.transitions) maxAbs = Math.max(maxAbs, Math.abs(v));
  const scale = maxAbs / 32767 || 1;
  const q = (v: number) => Math.round(v / scale);
  const kept: string[] = [];
  const rows: number[] = [];
  for (const [feature, row] of model.features) {
    let keep = false;
    for (let t = 0; t < T; t++) if (q(model.weights[row * T + t]!) !== 0 && Math.abs(model.weights[row * T + t]!) > minWeight) keep = true;
    if (keep) {
      kept.push(feature);
      rows.push(row);
    }
  }
  const header: Header = { format: 'docpipe-ner-perceptron', version: 1, tags: [...model.tags], features: kept.length, scale, info };
  const numbers = Buffer.alloc((kept.length * T + (T + 1) * T) * 2);
  let at = 0;
  for (const row of rows) for (let t = 0; t < T; t++) at = numbers.writeInt16LE(q(model.weights[row * T + t]!), at);
  for (const v of model.transitions) at = numbers.writeInt16LE(q(v), at);
  const strings = Buffer.from(`${JSON.stringify(header)}\n${kept.map((f) => `${f}\n`).join('')}`, 'utf8');
  return gzipSync(Buffer.concat([strings, numbers]), { level: 9 });
}

export function deserialiseModel(file: Buffer): SequenceModel & { info: Record<string, unknown> } {
  const raw = gunzipSync(file);
  let at = raw.indexOf(10);
  const header = JSON.parse(raw.subarray(0, at).toString('utf8')) as Header;
  if (header.format !== 'docpipe-ner-perceptron' || header.version !== 1) throw new Error('not a docpipe NER model file (format/version)');
  const T = header.tags.length;
  const features = new Map<string, number>();
  for (let i = 0; i < header.features; i++) {
    const next = raw.indexOf(10, at + 1);
    features.set(raw.subarray(at + 1, next).toString('utf8'), i);
    at = next;
  }
  at++;
  const weights = new Float32Array(header.features * T);
  for (let i = 0; i < weights.length; i++, at += 2) weights[i] = raw.readInt16LE(at) * header.scale;
  const transitions = new Float32Array((T + 1) * T);
  for (let i = 0; i < transitions.length; i++, at += 2) transitions[i] = raw.readInt16LE(at) * header.scale;
  if (at !== raw.length) throw new Error(`NER model file has ${raw.length - at} trailing bytes`);
  return { tags: header.tags, features, weights, transitions, info: header.info };
}
