/**
 * Feature templates of the sequence labeller: strings per token, interned to integer ids by the model.
 * Word identity and lower case, affixes, shape, capitalisation in and out of sentence or line start,
 * ±2 neighbouring words and shapes, gazetteer classes and compromise's lexicon tag of the word and its
 * neighbours, whether the document also writes the word in lower case, and the first and last word of
 * the run of capitalised words a token is in.
 */
import { gazetteer, gazetteerMatches, type Gazetteer } from './gazetteer.ts';
import type { Tokens } from './tokenize.ts';

/** "Acme-2" -> "Xxxx-d", and the short form with runs collapsed, "Xx-d". */
export function shapes(word: string): [string, string] {
  let long = '';
  let short = '';
  let last = '';
  for (const ch of word) {
    let c: string;
    if (ch >= 'a' && ch <= 'z') c = 'x';
    else if (ch >= 'A' && ch <= 'Z') c = 'X';
    else if (ch >= '0' && ch <= '9') c = 'd';
    else if (ch.toLowerCase() !== ch) c = 'X';
    else if (ch.toUpperCase() !== ch) c = 'x';
    else c = ch;
    if (long.length < 12) long += c;
    if (c !== last) short += c;
    last = c;
  }
  return [long, short];
}

/** What the features know of a word type, computed once per distinct word (see `wordInfo`). */
export interface WordInfo {
  word: string;
  lower: string;
  shape: string;
  short: string;
  /** compromise's lexicon tag of the lower-case word, '-' if none. */
  tag: string;
}

const PAD: WordInfo = { word: '<s>', lower: '<s>', shape: '<s>', short: '<s>', tag: '<s>' };
const PAD_END: WordInfo = { word: '</s>', lower: '</s>', shape: '</s>', short: '</s>', tag: '</s>' };

const infoCache = new Map<string, WordInfo>();

function wordInfo(word: string, gaz: Gazetteer = gazetteer()): WordInfo {
  let info = infoCache.get(word);
  if (info) return info;
  const lower = word.toLowerCase();
  const [shape, short] = shapes(word);
  info = { word, lower, shape, short, tag: gaz.wordTag.get(lower) ?? '-' };
  if (infoCache.size > 200_000) infoCache.clear();
  infoCache.set(word, info);
  return info;
}

/** Features of the word alone (the same wherever it occurs). */
export function wordFeatures(t: WordInfo): string[] {
  const lw = t.lower;
  return [
    `w=${t.word}`,
    `lw=${lw}`,
    `p2=${lw.slice(0, 2)}`,
    `p3=${lw.slice(0, 3)}`,
    `s2=${lw.slice(-2)}`,
    `s3=${lw.slice(-3)}`,
    `s4=${lw.slice(-4)}`,
    `sh=${t.shape}`,
    `ss=${t.short}`,
    `tag=${t.tag}`,
  ];
}

/** Offsets of the neighbour-word templates `lw-2=…` … `lw+2=…`. */
export const NEIGHBOURS = [-2, -1, 1, 2] as const;

export function neighbourFeature(offset: number, lower: string): string {
  return `lw${offset > 0 ? '+' : ''}${offset}=${lower}`;
}

/** Lower-case forms of the words the text writes in lower case (mid-sentence evidence of a common word). */
function lowerCaseWords(words: readonly string[]): Set<string> {
  const seen = new Set<string>();
  for (const w of words) {
    const c = w.charCodeAt(0);
    if (c >= 97 && c <= 122) seen.add(w);
  }
  return seen;
}

/** Per-document facts the context features read. */
export interface FeatureContext {
  tokens: Tokens;
  info: WordInfo[];
  gaz: string[][];
  seenLower: Set<string>;
  /** Capitalised words the text also writes inside a sentence (not at its start or a line start). */
  seenCapitalisedInside: Set<string>;
  /** Each token's run of capitalised words (within its sentence): first and last token, -1 outside a run. */
  runFirst: Int32Array;
  runLast: Int32Array;
}

const CAPITALISED = /^\p{Lu}/u;

/** Runs of consecutive capitalised tokens ("Bangladesh Scouts", "Bank of America" is two runs). */
function capitalisedRuns(tokens: Tokens): { runFirst: Int32Array; runLast: Int32Array } {
  const n = tokens.words.length;
  const runFirst = new Int32Array(n).fill(-1);
  const runLast = new Int32Array(n).fill(-1);
  for (const [from, to] of tokens.sentences) {
    let i = from;
    while (i < to) {
      if (!CAPITALISED.test(tokens.words[i]!)) {
        i++;
        continue;
      }
      let j = i;
      while (j + 1 < to && CAPITALISED.test(tokens.words[j + 1]!)) j++;
      runFirst.fill(i, i, j + 1);
      runLast.fill(j, i, j + 1);
      i = j + 1;
    }
  }
  return { runFirst, runLast };
}

export function featureContext(tokens: Tokens, gaz: Gazetteer = gazetteer()): FeatureContext {
  const info = tokens.words.map((w) => wordInfo(w, gaz));
  const inside = new Set<string>();
  for (const [from, to] of tokens.sentences) {
    for (let i = from + 1; i < to; i++) if (!tokens.lineStart[i] && CAPITALISED.test(tokens.words[i]!)) inside.add(tokens.words[i]!);
  }
  return {
    tokens,
    info,
    gaz: gazetteerMatches(
      info.map((t) => t.lower),
      gaz,
    ),
    seenLower: lowerCaseWords(tokens.words),
    seenCapitalisedInside: inside,
    ...capitalisedRuns(tokens),
  };
}

/** Word info at `i` within the sentence [from, to), padding outside it. */
export function infoAt(ctx: FeatureContext, i: number, from: number, to: number): WordInfo {
  return i < from ? PAD : i >= to ? PAD_END : ctx.info[i]!;
}

/** Features of token i that depend on its neighbours, position and the document (not the ±2 words). */
export function contextFeatures(ctx: FeatureContext, i: number, from: number, to: number): string[] {
  const t = ctx.info[i]!;
  const p1 = infoAt(ctx, i - 1, from, to);
  const p2 = infoAt(ctx, i - 2, from, to);
  const n1 = infoAt(ctx, i + 1, from, to);
  const n2 = infoAt(ctx, i + 2, from, to);
  const lw = t.lower;
  const first = i === from;
  const line = ctx.tokens.lineStart[i];
  const cap = t.short === 'Xx' || t.short === 'X' ? (first ? 'first' : line ? 'line' : 'mid') : 'no';
  const f = [
    'b',
    `cap=${cap}`,
    `cap|ss=${cap}|${t.short}`,
    `lw-1|lw=${p1.lower}|${lw}`,
    `lw|lw+1=${lw}|${n1.lower}`,
    `ss-1=${p1.short}`,
    `ss+1=${n1.short}`,
    `ss-1|ss=${p1.short}|${t.short}`,
    `ss|ss+1=${t.short}|${n1.short}`,
    `ss-2|ss-1|ss=${p2.short}|${p1.short}|${t.short}`,
    `ss|ss+1|ss+2=${t.short}|${n1.short}|${n2.short}`,
    `tag-1=${p1.tag}`,
    `tag+1=${n1.tag}`,
  ];
  if (cap !== 'no' && ctx.seenLower.has(lw)) f.push(`lowerelsewhere|${cap}`);
  if ((cap === 'first' || cap === 'line') && ctx.seenCapitalisedInside.has(t.word)) f.push(`capinside|${cap}`);
  const runFirst = ctx.runFirst[i]!;
  if (runFirst >= 0) {
    // the last word of a run of capitalised words often tells its type ("… Scouts", "… Bank", "… River")
    const runLast = ctx.runLast[i]!;
    const len = Math.min(runLast - runFirst + 1, 4);
    f.push(`run=${len}|${i - runFirst === 0 ? 'B' : i === runLast ? 'E' : 'I'}`);
    if (runLast > runFirst) f.push(`runhead=${ctx.info[runLast]!.lower}`, `runstart=${ctx.info[runFirst]!.lower}`);
  }
  if (first) f.push('first');
  if (line) f.push('line');
  for (const g of ctx.gaz[i]!) f.push(`g=${g}`, `g|cap=${g}|${cap}`);
  if (i > from) for (const g of ctx.gaz[i - 1]!) f.push(`g-1=${g}`);
  if (i + 1 < to) for (const g of ctx.gaz[i + 1]!) f.push(`g+1=${g}`);
  return f;
}

/** Every feature string of every token (training; the recogniser computes the same set with caches). */
export function tokenFeatures(tokens: Tokens, gaz: Gazetteer = gazetteer()): string[][] {
  const ctx = featureContext(tokens, gaz);
  const out: string[][] = new Array(tokens.words.length);
  for (const [from, to] of tokens.sentences) {
    for (let i = from; i < to; i++) {
      const f = wordFeatures(ctx.info[i]!);
      for (const k of NEIGHBOURS) f.push(neighbourFeature(k, infoAt(ctx, i + k, from, to).lower));
      f.push(...contextFeatures(ctx, i, from, to));
      out[i] = f;
    }
  }
  return out;
}
