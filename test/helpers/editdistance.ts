/** Character edit distance (Levenshtein) for test comparisons of extracted text. */

/** Collapses every run of whitespace to one space and trims. */
export function normaliseWhitespace(text: string): string {
  return text.replace(/\s+/gu, ' ').trim();
}

/** Levenshtein distance over UTF-16 code units, two rows, O(a·b) time and O(b) memory. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length < b.length) [a, b] = [b, a];
  if (b.length === 0) return a.length;
  let prev = new Uint32Array(b.length + 1);
  let cur = new Uint32Array(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const cost = ca === b.charCodeAt(j - 1) ? 0 : 1;
      const del = (prev[j] as number) + 1;
      const ins = (cur[j - 1] as number) + 1;
      const sub = (prev[j - 1] as number) + cost;
      cur[j] = del < ins ? (del < sub ? del : sub) : ins < sub ? ins : sub;
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length] as number;
}

/** Edit distance between the whitespace-normalised texts, relative to the reference's length. */
export function relativeEditDistance(actual: string, reference: string): { distance: number; length: number; ratio: number } {
  const a = normaliseWhitespace(actual);
  const r = normaliseWhitespace(reference);
  const distance = editDistance(a, r);
  return { distance, length: r.length, ratio: r.length === 0 ? (a.length === 0 ? 0 : 1) : distance / r.length };
}
