/**
 * Offset-preserving tokenizer and sentence splitter for raw text (contracts, filings, news).
 * Every token is `text.slice(start, end)`; nothing is normalised. Abbreviations keep their period
 * ("Inc.", "No.", "U.S.", the initial "J."), a possessive "'s" is its own token, and a sentence ends
 * at . ! ? before a capital, digit or quote, or at a blank line.
 */

export interface Tokens {
  /** The token strings, `text.slice(starts[i], ends[i])`. */
  words: string[];
  starts: number[];
  ends: number[];
  /** The gap before token i holds a line break (or i is the first token). */
  lineStart: boolean[];
  /** Sentences as [first, last + 1) token ranges, in order, covering every token. */
  sentences: Array<[number, number]>;
}

/** Words whose final period belongs to them (lower-cased, without the period). */
const ABBREVIATIONS = new Set([
  'inc',
  'corp',
  'co',
  'ltd',
  'no',
  'nos',
  'mr',
  'mrs',
  'ms',
  'dr',
  'jr',
  'sr',
  'st',
  'esq',
  'bros',
  'vs',
  'v',
  'etc',
  'prof',
  'gen',
  'gov',
  'sen',
  'rep',
  'hon',
  'lt',
  'col',
  'capt',
  'sgt',
  'rev',
  'ave',
  'blvd',
  'rd',
  'ft',
  'mt',
  'dept',
  'univ',
  'assn',
  'jan',
  'feb',
  'mar',
  'apr',
  'jun',
  'jul',
  'aug',
  'sep',
  'sept',
  'oct',
  'nov',
  'dec',
  'e.g',
  'i.e',
  'approx',
  'fig',
  'sec',
  'art',
  'para',
  'cl',
  'ch',
  'vol',
  'pp',
  'cf',
  'al',
  'int',
  'intl',
  'natl',
  'mfg',
  'plc',
  'cir',
  'ct',
  'supp',
  'app',
]);

// one alternative per token kind, tried in order at the current position (sticky)
const TOKEN = new RegExp(
  [
    String.raw`https?:\/\/[^\s]+|www\.[^\s]+`, // links
    String.raw`[@#][\p{L}\p{N}_]+`, // handles and hashtags
    String.raw`(?:\p{L}\.){2,}(?!\p{L})`, // U.S., N.A., L.L.C.
    String.raw`\p{N}+(?:[.,:/-]\p{N}+)*`, // numbers, dates, times
    String.raw`[\p{L}\p{M}\p{N}]+(?:[-'’&][\p{L}\p{M}\p{N}]+)*`, // words, with inner hyphens, apostrophes, ampersands
    String.raw`[^\s]`, // any other character alone
  ].join('|'),
  'uy',
);
const SPACE = /\s*/y;
const POSSESSIVE = /^(.+?)(['’][sS])$/u;

function pushToken(out: Tokens, text: string, start: number, end: number, lineStart: boolean): void {
  out.words.push(text.slice(start, end));
  out.starts.push(start);
  out.ends.push(end);
  out.lineStart.push(lineStart);
}

/** Splits `text` into tokens and sentences. */
export function tokenize(text: string): Tokens {
  const out: Tokens = { words: [], starts: [], ends: [], lineStart: [], sentences: [] };
  const paragraphBefore: boolean[] = [];
  let at = 0;
  let lineStart = true;
  let paragraph = false;
  while (at < text.length) {
    SPACE.lastIndex = at;
    const gap = SPACE.exec(text)?.[0] ?? '';
    if (gap) {
      at += gap.length;
      if (gap.includes('\n')) lineStart = true;
      if (/\n[^\S\n]*\n/.test(gap)) paragraph = true;
      continue;
    }
    TOKEN.lastIndex = at;
    const m = TOKEN.exec(text);
    let end = at + (m?.[0].length ?? 1);
    let word = text.slice(at, end);
    // the period of an abbreviation or an initial ("J. Smith") stays with its word
    if (text[end] === '.' && /^\p{L}/u.test(word) && (ABBREVIATIONS.has(word.toLowerCase()) || /^\p{Lu}$/u.test(word))) {
      end++;
      word += '.';
    }
    const poss = POSSESSIVE.exec(word);
    const first = out.words.length;
    if (poss && poss[1] && !/^\p{N}/u.test(word)) {
      const cut = at + poss[1].length;
      pushToken(out, text, at, cut, lineStart);
      pushToken(out, text, cut, end, false);
    } else {
      pushToken(out, text, at, end, lineStart);
    }
    for (let i = first; i < out.words.length; i++) paragraphBefore.push(i === first && paragraph);
    lineStart = false;
    paragraph = false;
    at = end;
  }
  splitSentences(out, paragraphBefore);
  return out;
}

const SENTENCE_END = new Set(['.', '!', '?']);
const OPENS_SENTENCE = /^[\p{Lu}\p{N}"“'‘(]/u;

function splitSentences(tokens: Tokens, paragraphBefore: boolean[]): void {
  const n = tokens.words.length;
  let from = 0;
  for (let i = 0; i < n; i++) {
    const next = tokens.words[i + 1];
    const endsHere =
      next === undefined ||
      paragraphBefore[i + 1] === true ||
      (SENTENCE_END.has(tokens.words[i]!) && OPENS_SENTENCE.test(next) && !SENTENCE_END.has(next));
    if (endsHere) {
      tokens.sentences.push([from, i + 1]);
      from = i + 1;
    }
  }
}
