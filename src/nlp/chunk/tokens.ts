/**
 * Token counting without a model vocabulary: words, numbers and punctuation marks each count as
 * one token, long words as one per 6 characters (close to what BPE tokenisers give on English
 * legal text, and deterministic).
 */
const TOKEN = /[A-Za-z\u00C0-\u024F]+|\d+|[^\sA-Za-z\d\u00C0-\u024F]/g;

function weight(word: string): number {
  return word.length > 6 && /^[A-Za-z\u00C0-\u024F]/.test(word) ? Math.ceil(word.length / 6) : 1;
}

export function countTokens(text: string): number {
  let n = 0;
  for (const m of text.matchAll(TOKEN)) n += weight(m[0]);
  return n;
}

/** Start offsets (absolute) of the tokens in text[start, end), each with its weight. */
export function tokenStarts(text: string, start: number, end: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const m of text.slice(start, end).matchAll(TOKEN)) out.push([start + m.index, weight(m[0])]);
  return out;
}
