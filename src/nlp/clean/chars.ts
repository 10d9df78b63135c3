/**
 * Character normalisation that keeps meaning: Unicode NFKC (ligatures, full-width forms), typographic
 * quotes to ASCII quotes, dashes to "-", exotic spaces to " ", soft hyphens and zero-width marks dropped.
 */
const REPLACEMENTS: Readonly<Record<string, string>> = {
  '\u2018': "'",
  '\u2019': "'",
  '\u201A': "'",
  '\u201B': "'",
  '\u2032': "'",
  '\u2035': "'",
  '\u201C': '"',
  '\u201D': '"',
  '\u201E': '"',
  '\u201F': '"',
  '\u2033': '"',
  '\u2036': '"',
  '\u00AB': '"',
  '\u00BB': '"',
  '\u2010': '-',
  '\u2011': '-',
  '\u2012': '-',
  '\u2013': '-',
  '\u2014': '-',
  '\u2015': '-',
  '\u2212': '-',
  '\uFE58': '-',
  '\uFE63': '-',
  '\uFF0D': '-',
  '\u00AD': '',
  '\u200B': '',
  '\u200C': '',
  '\u200D': '',
  '\u2060': '',
  '\uFEFF': '',
};

/** Horizontal whitespace (not newlines), collapsed to one space by the cleaner. */
export const HSPACE = /[ \t\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000\v]/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000E-\u001F\u007F-\u009F]/;

/** The normalised form of one cluster (a base character plus its combining marks). */
export function normalizeCluster(cluster: string): string {
  const mapped = REPLACEMENTS[cluster];
  if (mapped !== undefined) return mapped;
  if (cluster.length === 1 && cluster.charCodeAt(0) < 0x80) return CONTROL.test(cluster) ? '' : cluster;
  if (CONTROL.test(cluster)) return '';
  return cluster.normalize('NFKC');
}

/** Splits `text[start, end)` into clusters: one base code point plus following combining marks. */
export function* clusters(text: string, start: number, end: number): Generator<[number, string]> {
  let i = start;
  while (i < end) {
    const cp = text.codePointAt(i) ?? 0;
    let j = i + (cp > 0xffff ? 2 : 1);
    while (j < end && /\p{M}/u.test(text[j] ?? '')) j++;
    yield [i, text.slice(i, j)];
    i = j;
  }
}

/** Whole-string normalisation (for short strings such as header keys and metadata values). */
export function normalizeString(text: string): string {
  let out = '';
  for (const [, c] of clusters(text, 0, text.length)) out += HSPACE.test(c) ? ' ' : normalizeCluster(c);
  return out;
}
