/**
 * Name lists the model's gazetteer features look up: compromise's lexicon (MIT; first and last names,
 * cities, countries, regions, demonyms, organisations, sports teams, honorifics) plus docpipe's own legal
 * lists (organisation legal forms and head words, U.S. states). Keys are lower-cased phrases of tokens.
 */
import nlp from 'compromise';
import { ORG_HEAD_WORDS, ORG_SUFFIXES, US_STATES } from '../gazetteers.ts';

/** compromise lexicon tag -> gazetteer class (the first matching tag of an entry wins). */
const CLASS_OF: Array<[string, string]> = [
  ['Honorific', 'hon'],
  ['SportsTeam', 'team'],
  ['Organization', 'org'],
  ['Country', 'country'],
  ['City', 'city'],
  ['Region', 'region'],
  ['Demonym', 'demonym'],
  ['Place', 'place'],
  ['MaleName', 'first'],
  ['FemaleName', 'first'],
  ['FirstName', 'first'],
  ['LastName', 'last'],
  ['Person', 'person'],
  ['Month', 'date'],
  ['WeekDay', 'date'],
];

export interface Gazetteer {
  /** Phrase (lower-case tokens joined by single spaces) -> its classes. */
  phrases: Map<string, string[]>;
  /** Longest phrase in tokens. */
  maxTokens: number;
  /** Single word -> its compromise part-of-speech tag (first tag), for every lexicon word. */
  wordTag: Map<string, string>;
}

let cached: Gazetteer | undefined;

function add(phrases: Map<string, string[]>, phrase: string, cls: string): void {
  const key = phrase.toLowerCase().replace(/\s+/g, ' ').trim();
  const list = phrases.get(key);
  if (!list) phrases.set(key, [cls]);
  else if (!list.includes(cls)) list.push(cls);
}

/** Builds the lists once per process. */
export function gazetteer(): Gazetteer {
  if (cached) return cached;
  const lexicon = (nlp.model() as { one: { lexicon: Record<string, string | string[]> } }).one.lexicon;
  const phrases = new Map<string, string[]>();
  const wordTag = new Map<string, string>();
  for (const [entry, tags] of Object.entries(lexicon)) {
    const list = Array.isArray(tags) ? tags : [tags];
    if (!entry.includes(' ') && list[0]) wordTag.set(entry, list[0]);
    const cls = CLASS_OF.find(([tag]) => list.includes(tag))?.[1];
    if (cls) add(phrases, entry.replace(/([&/])/g, ' $1 '), cls);
  }
  for (const s of ORG_SUFFIXES) add(phrases, s, 'orgsfx');
  for (const s of ORG_HEAD_WORDS) add(phrases, s, 'orghead');
  for (const s of US_STATES) add(phrases, s, 'region');
  let maxTokens = 1;
  for (const key of phrases.keys()) maxTokens = Math.max(maxTokens, key.split(' ').length);
  cached = { phrases, maxTokens: Math.min(maxTokens, 5), wordTag };
  return cached;
}

/**
 * Gazetteer features of each token: `class:B` for the first token of the longest phrase match
 * starting there, `class:I` for the tokens inside it.
 */
export function gazetteerMatches(lower: readonly string[], gaz: Gazetteer = gazetteer()): string[][] {
  const out: string[][] = lower.map(() => []);
  for (let i = 0; i < lower.length; i++) {
    let key = '';
    let best = 0;
    let classes: string[] | undefined;
    for (let k = 0; k < gaz.maxTokens && i + k < lower.length; k++) {
      key = k ? `${key} ${lower[i + k]}` : lower[i]!;
      const hit = gaz.phrases.get(key);
      if (hit) {
        best = k + 1;
        classes = hit;
      }
    }
    if (!classes) continue;
    for (const cls of classes) {
      out[i]!.push(`${cls}:B`);
      for (let k = 1; k < best; k++) out[i + k]!.push(`${cls}:I`);
    }
  }
  return out;
}
