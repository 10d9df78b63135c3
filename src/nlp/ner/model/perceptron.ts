/**
 * Averaged structured perceptron over BIO tags: per-feature emission weights, first-order transition
 * weights, Viterbi decoding with hard BIO constraints (I-X only after B-X or I-X). Training is seeded
 * and deterministic: the same sentences, options and seed give the same weights, bit for bit.
 */

export interface SequenceModel {
  tags: readonly string[];
  /** Feature string -> row of `weights`. */
  features: Map<string, number>;
  /** `features.size × tags.length`, row-major. */
  weights: Float32Array;
  /** `(tags.length + 1) × tags.length`: row p is the previous tag, row `tags.length` the sentence start. */
  transitions: Float32Array;
}

export interface TrainingSentence {
  features: string[][];
  tags: string[];
}

export interface TrainOptions {
  epochs: number;
  seed: number;
  /** Features seen fewer times than this in training are dropped. */
  minCount: number;
}

/** May tag `to` follow tag `from` (`from` undefined: sentence start)? */
function allowedTransition(from: string | undefined, to: string): boolean {
  if (!to.startsWith('I-')) return true;
  return from !== undefined && from !== 'O' && from.slice(2) === to.slice(2);
}

/** Emission scores of one sentence: `n × T`, from each token's feature ids. */
export function emissions(model: SequenceModel, featureIds: readonly Int32Array[]): Float64Array {
  const T = model.tags.length;
  const scores = new Float64Array(featureIds.length * T);
  const w = model.weights;
  featureIds.forEach((ids, i) => {
    const row = i * T;
    for (let k = 0; k < ids.length; k++) {
      const base = ids[k]! * T;
      for (let t = 0; t < T; t++) scores[row + t]! += w[base + t]!;
    }
  });
  return scores;
}

/** Highest-scoring tag sequence under the BIO constraints (tag indices). */
export function viterbi(scores: Float64Array, n: number, tags: readonly string[], transitions: Float32Array): Int32Array {
  const T = tags.length;
  const path = new Int32Array(n);
  if (n === 0) return path;
  const best = new Float64Array(n * T);
  const back = new Int32Array(n * T);
  const allowed = new Uint8Array(T * T);
  for (let p = 0; p < T; p++) for (let t = 0; t < T; t++) allowed[p * T + t] = allowedTransition(tags[p], tags[t]!) ? 1 : 0;
  for (let t = 0; t < T; t++) best[t] = allowedTransition(undefined, tags[t]!) ? scores[t]! + transitions[T * T + t]! : -Infinity;
  for (let i = 1; i < n; i++) {
    for (let t = 0; t < T; t++) {
      let top = -Infinity;
      let arg = 0;
      for (let p = 0; p < T; p++) {
        if (!allowed[p * T + t]) continue;
        const s = best[(i - 1) * T + p]! + transitions[p * T + t]!;
        if (s > top) {
          top = s;
          arg = p;
        }
      }
      best[i * T + t] = top + scores[i * T + t]!;
      back[i * T + t] = arg;
    }
  }
  let arg = 0;
  for (let t = 1; t < T; t++) if (best[(n - 1) * T + t]! > best[(n - 1) * T + arg]!) arg = t;
  for (let i = n - 1; i >= 0; i--) {
    path[i] = arg;
    arg = back[i * T + arg]!;
  }
  return path;
}

/** Deterministic 32-bit PRNG (mulberry32). */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Maps feature strings to ids, keeping those seen at least `minCount` times, numbered in first-seen order. */
function internFeatures(data: readonly TrainingSentence[], minCount: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (const s of data) for (const fs of s.features) for (const f of fs) counts.set(f, (counts.get(f) ?? 0) + 1);
  const ids = new Map<string, number>();
  for (const [f, c] of counts) if (c >= minCount) ids.set(f, ids.size);
  return ids;
}

export function featureIds(features: Map<string, number>, tokenFeatures: readonly string[][]): Int32Array[] {
  return tokenFeatures.map((fs) => {
    const ids: number[] = [];
    for (const f of fs) {
      const id = features.get(f);
      if (id !== undefined) ids.push(id);
    }
    return Int32Array.from(ids);
  });
}

/** Trains an averaged perceptron; `tags` fixes the tag order (its first entry should be 'O'). */
export function trainPerceptron(data: readonly TrainingSentence[], tags: readonly string[], options: TrainOptions): SequenceModel {
  const T = tags.length;
  const tagIndex = new Map(tags.map((t, i) => [t, i]));
  const features = internFeatures(data, options.minCount);
  const sentences = data.map((s) => ({
    ids: featureIds(features, s.features),
    gold: Int32Array.from(s.tags, (t) => tagIndex.get(t) ?? 0),
  }));
  const F = features.size;
  const w = new Float64Array(F * T);
  const u = new Float64Array(F * T); // step-weighted sums of updates, for averaging
  const tw = new Float64Array((T + 1) * T);
  const tu = new Float64Array((T + 1) * T);
  const model: SequenceModel = { tags, features, weights: new Float32Array(0), transitions: new Float32Array((T + 1) * T) };
  const scratch = { ...model, weights: w as unknown as Float32Array, transitions: tw as unknown as Float32Array };
  const rnd = random(options.seed);
  const order = sentences.map((_, i) => i);
  let c = 1;
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const k of order) {
      const { ids, gold } = sentences[k]!;
      const pred = viterbi(emissions(scratch, ids), ids.length, tags, scratch.transitions);
      for (let i = 0; i < ids.length; i++) {
        const g = gold[i]!;
        const p = pred[i]!;
        const gPrev = i ? gold[i - 1]! : T;
        const pPrev = i ? pred[i - 1]! : T;
        if (g !== p) {
          for (const f of ids[i]!) {
            w[f * T + g]! += 1;
            u[f * T + g]! += c;
            w[f * T + p]! -= 1;
            u[f * T + p]! -= c;
          }
        }
        if (g !== p || gPrev !== pPrev) {
          tw[gPrev * T + g]! += 1;
          tu[gPrev * T + g]! += c;
          tw[pPrev * T + p]! -= 1;
          tu[pPrev * T + p]! -= c;
        }
      }
      c++;
    }
  }
  const weights = new Float32Array(F * T);
  for (let i = 0; i < weights.length; i++) weights[i] = w[i]! - u[i]! / c;
  for (let i = 0; i < tw.length; i++) model.transitions[i] = tw[i]! - tu[i]! / c;
  return { ...model, weights };
}

/**
 * How far each token's tag on `path` is ahead: the best path's score minus the best score of any path
 * that gives the token another tag (max-marginals from a forward and a backward max pass).
 */
export function tokenMargins(
  scores: Float64Array,
  n: number,
  tags: readonly string[],
  transitions: Float32Array,
  path: Int32Array,
): Float64Array {
  const T = tags.length;
  const margins = new Float64Array(n);
  if (n === 0) return margins;
  const ok = (p: number, t: number) => allowedTransition(p < T ? tags[p] : undefined, tags[t]!);
  const allowed = new Uint8Array((T + 1) * T);
  for (let p = 0; p <= T; p++) for (let t = 0; t < T; t++) allowed[p * T + t] = ok(p, t) ? 1 : 0;
  const fwd = new Float64Array(n * T).fill(-Infinity);
  const bwd = new Float64Array(n * T).fill(-Infinity);
  for (let t = 0; t < T; t++) if (allowed[T * T + t]) fwd[t] = scores[t]! + transitions[T * T + t]!;
  for (let i = 1; i < n; i++) {
    for (let t = 0; t < T; t++) {
      let top = -Infinity;
      for (let p = 0; p < T; p++) if (allowed[p * T + t]) top = Math.max(top, fwd[(i - 1) * T + p]! + transitions[p * T + t]!);
      fwd[i * T + t] = top + scores[i * T + t]!;
    }
  }
  for (let t = 0; t < T; t++) bwd[(n - 1) * T + t] = 0;
  for (let i = n - 2; i >= 0; i--) {
    for (let p = 0; p < T; p++) {
      let top = -Infinity;
      for (let t = 0; t < T; t++)
        if (allowed[p * T + t]) top = Math.max(top, transitions[p * T + t]! + scores[(i + 1) * T + t]! + bwd[(i + 1) * T + t]!);
      bwd[i * T + p] = top;
    }
  }
  for (let i = 0; i < n; i++) {
    const chosen = path[i]!;
    const best = fwd[i * T + chosen]! + bwd[i * T + chosen]!;
    let other = -Infinity;
    for (let t = 0; t < T; t++) if (t !== chosen) other = Math.max(other, fwd[i * T + t]! + bwd[i * T + t]!);
    margins[i] = best - other;
  }
  return margins;
}
