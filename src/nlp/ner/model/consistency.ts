/**
 * Document-level consistency: a name labelled once is labelled the same way at its other whole-word
 * occurrences in the text, and so are its short forms — a person's surname after the full name
 * ("Clinton" after "Bill Clinton"), an organisation's name without its legal form ("Acme" after
 * "Acme Corp."). Every mention of one name gets the type most of its mentions have.
 *
 * Guards against the obvious false positives: an occurrence must be written as the name is (case
 * sensitive, so lower-case words never match), must not touch another capitalised word (it would be
 * part of a longer name), and a one-word form must not be a common English word or a role word.
 */
import { NOT_NAME_START, ORG_SUFFIXES, escapeRegex } from '../gazetteers.ts';
import { makeMention, type EntityType, type Mention } from '../types.ts';
import { gazetteer } from './gazetteer.ts';
import { tokenize } from './tokenize.ts';

const NAME_TYPES = new Set<EntityType>(['PERSON', 'ORG', 'LOCATION']);
/** compromise lexicon tags that still allow a word to stand alone as a name. */
const NAME_TAGS = new Set([
  'MaleName',
  'FemaleName',
  'FirstName',
  'LastName',
  'Person',
  'Organization',
  'City',
  'Country',
  'Region',
  'Place',
  'ProperNoun',
  'SportsTeam',
]);
const NOT_SURNAME = new Set(['jr', 'jr.', 'sr', 'sr.', 'ii', 'iii', 'iv', 'esq', 'esq.', 'phd', 'md']);
const SUFFIX = new RegExp(`,?\\s+(?:${ORG_SUFFIXES.map(escapeRegex).join('|')})$`);

/** Can this one word stand alone as a name (not a common word, role word or initial)? */
function distinctiveWord(word: string): boolean {
  if (word.length < 2 || !/^\p{Lu}/u.test(word) || NOT_NAME_START.has(word)) return false;
  const tag = gazetteer().wordTag.get(word.toLowerCase());
  return tag === undefined || NAME_TAGS.has(tag);
}

/** Short forms a name is later referred to by. */
export function shortForms(value: string, type: EntityType): string[] {
  const words = value.split(/\s+/);
  if (type === 'PERSON' && words.length >= 2) {
    const last = words
      .filter((w) => !NOT_SURNAME.has(w.toLowerCase().replace(/,$/, '')))
      .at(-1)
      ?.replace(/,$/, '');
    return last && last !== words[0] && distinctiveWord(last) ? [last] : [];
  }
  if (type === 'ORG') {
    const base = value.replace(SUFFIX, '');
    if (base !== value && base.length >= 2 && (base.includes(' ') || distinctiveWord(base))) return [base];
  }
  return [];
}

const TITLES = new Set([
  'Mr',
  'Mr.',
  'Mrs',
  'Mrs.',
  'Ms',
  'Ms.',
  'Dr',
  'Dr.',
  'Prof.',
  'President',
  'Senator',
  'Governor',
  'Judge',
  'Justice',
  'General',
  'Minister',
  'Chairman',
  'Mayor',
]);
const CAPITALISED = /^\p{Lu}/u;

interface Form {
  words: string[];
  type: EntityType;
  confidence: number;
  /** A one-word name the model labelled itself: spread only if it labelled most of its occurrences. */
  needsMajority: boolean;
}

/** Adds the other occurrences of each labelled name (and short form) and unifies each name's type. */
export function consistentMentions(text: string, mentions: readonly Mention[]): Mention[] {
  const votes = new Map<string, Map<EntityType, number>>();
  const labelled = new Map<string, number>();
  for (const m of mentions) {
    if (!NAME_TYPES.has(m.type)) continue;
    const v = votes.get(m.value) ?? new Map<EntityType, number>();
    v.set(m.type, (v.get(m.type) ?? 0) + m.confidence);
    votes.set(m.value, v);
    labelled.set(m.value, (labelled.get(m.value) ?? 0) + 1);
  }
  if (votes.size === 0) return [...mentions];
  const typeOf = new Map<string, EntityType>();
  for (const [value, v] of votes) typeOf.set(value, [...v].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]![0]);
  const out = mentions.map((m) => (typeOf.has(m.value) && typeOf.get(m.value) !== m.type ? { ...m, type: typeOf.get(m.value)! } : m));
  // forms to look for, indexed by their first word
  const forms = new Map<string, Form[]>();
  const seen = new Set<string>();
  const addForm = (form: string, type: EntityType, confidence: number, needsMajority: boolean) => {
    if (seen.has(form)) return;
    seen.add(form);
    const words = tokenize(form).words;
    if (words.length === 0) return;
    const list = forms.get(words[0]!) ?? [];
    list.push({ words, type: typeOf.get(form) ?? type, confidence, needsMajority });
    forms.set(words[0]!, list);
  };
  for (const m of out) {
    if (!NAME_TYPES.has(m.type)) continue;
    if (m.value.includes(' ')) addForm(m.value, m.type, m.confidence * 0.9, false);
    else if (m.value.length >= 3 && distinctiveWord(m.value)) addForm(m.value, m.type, m.confidence * 0.9, true);
    for (const short of shortForms(m.value, m.type)) addForm(short, m.type, m.confidence * 0.85, false);
  }
  const tokens = tokenize(text);
  const covered = new Uint8Array(text.length + 1);
  for (const m of out) covered.fill(1, m.start, m.end);
  const found: Array<{ form: Form; start: number; end: number }> = [];
  const occurrences = new Map<Form, number>();
  const words = tokens.words;
  const sentenceStarts = new Set(tokens.sentences.map(([f]) => f));
  for (let i = 0; i < words.length; i++) {
    const list = forms.get(words[i]!);
    if (!list) continue;
    for (const form of list) {
      const n = form.words.length;
      if (!form.words.every((w, k) => words[i + k] === w)) continue;
      occurrences.set(form, (occurrences.get(form) ?? 0) + 1);
      const start = tokens.starts[i]!;
      const end = tokens.ends[i + n - 1]!;
      if (covered[start] || covered[end - 1]) continue;
      // part of a longer capitalised name ("Clinton Foundation"); a title before it is fine ("Mr. Clinton")
      const prev = words[i - 1];
      const next = words[i + n];
      const prevStartsSentence = sentenceStarts.has(i - 1) || tokens.lineStart[i - 1];
      if (
        prev &&
        CAPITALISED.test(prev) &&
        !TITLES.has(prev) &&
        !tokens.lineStart[i] &&
        !sentenceStarts.has(i) &&
        (!prevStartsSentence || distinctiveWord(prev))
      )
        continue;
      if (next && CAPITALISED.test(next) && !tokens.lineStart[i + n]) continue;
      found.push({ form, start, end });
      covered.fill(1, start, end);
      break;
    }
  }
  const added: Mention[] = [];
  for (const { form, start, end } of found) {
    const value = form.words.join(' ');
    if (form.needsMajority && (labelled.get(value) ?? 0) * 2 < (occurrences.get(form) ?? 0)) continue;
    const m = makeMention(text, form.type, start, end, 'model', form.confidence);
    if (m) added.push(m);
  }
  return [...out, ...added].sort((a, b) => a.start - b.start || a.end - b.end);
}
