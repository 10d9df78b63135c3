/**
 * Feature templates of the sequence labeller: strings per token, interned to integer ids by the model.
 * Word identity and lower case, affixes, shape, capitalisation in and out of sentence or line start,
 * ±2 neighbouring words and shapes, gazetteer classes and compromise's lexicon tag of the word and its
 * neighbours, and whether the document also writes the word in lower case.
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

interface TokenInfo {
  word: string;
  lower: string;
  shape: string;
  short: string;
  tag: string;
  gaz: string[];
}

const PAD: TokenInfo = { word: '<s>', lower: '<s>', shape: '<s>', short: '<s>', tag: '<s>', gaz: [] };
const PAD_END: TokenInfo = { word: '</s>', lower: '</s>', shape: '</s>', short: '</s>', tag: '</s>', gaz: [] };

/** Lower-case forms of the words the text writes in lower case (mid-sentence evidence of a common word). */
function lowerCaseWords(words: readonly string[]): Set<string> {
  const seen = new Set<string>();
  for (const w of words) {
    const c = w.charCodeAt(0);
    if (c >= 97 && c <= 122) seen.add(w);
  }
  return seen;
}

/** Feature strings of every token of `tokens`, sentence by sentence. */
export function tokenFeatures(tokens: Tokens, gaz: Gazetteer = gazetteer()): string[][] {
  const lower = tokens.words.map((w) => w.toLowerCase());
  const gazHits = gazetteerMatches(lower, gaz);
  const seenLower = lowerCaseWords(tokens.words);
  const info: TokenInfo[] = tokens.words.map((word, i) => {
    const [shape, short] = shapes(word);
    return { word, lower: lower[i]!, shape, short, tag: gaz.wordTag.get(lower[i]!) ?? '-', gaz: gazHits[i]! };
  });
  const out: string[][] = new Array(tokens.words.length);
  for (const [from, to] of tokens.sentences) {
    const at = (i: number) => (i < from ? PAD : i >= to ? PAD_END : info[i]!);
    for (let i = from; i < to; i++) {
      const t = info[i]!;
      const p1 = at(i - 1);
      const p2 = at(i - 2);
      const n1 = at(i + 1);
      const n2 = at(i + 2);
      const lw = t.lower;
      const first = i === from;
      const cap = t.short === 'Xx' || t.short === 'X' ? (first ? 'first' : tokens.lineStart[i] ? 'line' : 'mid') : 'no';
      const f = [
        'b',
        `w=${t.word}`,
        `lw=${lw}`,
        `p2=${lw.slice(0, 2)}`,
        `p3=${lw.slice(0, 3)}`,
        `s2=${lw.slice(-2)}`,
        `s3=${lw.slice(-3)}`,
        `s4=${lw.slice(-4)}`,
        `sh=${t.shape}`,
        `ss=${t.short}`,
        `cap=${cap}`,
        `cap|ss=${cap}|${t.short}`,
        `tag=${t.tag}`,
        `lw-1=${p1.lower}`,
        `lw+1=${n1.lower}`,
        `lw-2=${p2.lower}`,
        `lw+2=${n2.lower}`,
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
      if (cap !== 'no' && seenLower.has(lw)) f.push(`lowerelsewhere|${cap}`);
      if (first) f.push('first');
      if (tokens.lineStart[i]) f.push('line');
      for (const g of t.gaz) f.push(`g=${g}`, `g|cap=${g}|${cap}`);
      for (const g of p1.gaz) f.push(`g-1=${g}`);
      for (const g of n1.gaz) f.push(`g+1=${g}`);
      out[i] = f;
    }
  }
  return out;
}
