/**
 * The offline recogniser: the legal rules (courts, judges, lawyers, parties with their roles, case
 * numbers, statutes, provisions, citations), wink-nlp's dates and amounts, and the trained model's
 * people, organisations and places, merged (merge.ts), then document-level consistency (a name's
 * other occurrences and short forms) and the defined terms of the text.
 */
import { recogniseCaptions, recogniseCaseNameLines } from './caption.ts';
import { definedTermMentions, findDefinitions } from './definitions.ts';
import { NOT_NAME_START } from './gazetteers.ts';
import { resolveOverlaps } from './merge.ts';
import { consistentMentions, recogniseWithModel } from './model/index.ts';
import { recogniseWithRules } from './rules.ts';
import { makeMention, type Mention } from './types.ts';
import { recogniseWithWink } from './wink.ts';

/** Titles in front of a name the model may include ("Mr. Anil Deshmukh"): not part of the name. */
const LEADING_TITLE =
  /^(?:(?:The|Hon['’]?ble|Honourable|Honorable|Mr|Mrs|Ms|Mx|Dr|Prof|Sri|Shri|Smt|Justice|Judge|Lord|Lady|Sir|Dame)\.?[ \t\u00a0]+)+/;

/** The model's mentions split at column gaps, without leading titles or a possessive, and without lower-case words, roman numerals or role words it took for names ("Petitioner"). */
export function modelMentions(text: string): Mention[] {
  const out: Mention[] = [];
  for (const found of recogniseWithModel(text)) {
    // a column gap (a tab, three spaces) separates two cells of a table, not the words of one name
    const parts = found.value.split(/(?:\t|[ \u00a0]{3,})\s*/);
    let at = found.start;
    for (const part of parts) {
      const start = text.indexOf(part, at);
      at = start + part.length;
      const m = part === found.value ? found : makeMention(text, found.type, start, start + part.length, found.method, found.confidence);
      const title = m && m.type === 'PERSON' ? LEADING_TITLE.exec(m.value) : null;
      const possessive = m && /['’]s$/.test(m.value) ? 2 : 0;
      const cleaned =
        m && (title || possessive)
          ? makeMention(text, m.type, m.start + (title?.[0].length ?? 0), m.end - possessive, m.method, m.confidence)
          : m;
      if (!cleaned || !/\p{Lu}/u.test(cleaned.value) || /^[IVXLC]+\.?$/.test(cleaned.value)) continue;
      if (NOT_NAME_START.has(cleaned.value) || NOT_NAME_START.has(cleaned.value.replace(/s$/, ''))) continue;
      out.push(cleaned);
    }
  }
  return out;
}

/** Raw candidates of every recogniser (overlapping). */
function localCandidates(text: string): Mention[] {
  return [
    ...recogniseCaseNameLines(text),
    ...recogniseCaptions(text),
    ...recogniseWithRules(text),
    ...recogniseWithWink(text),
    ...modelMentions(text),
  ];
}

const NAME_LIKE = new Set(['PERSON', 'ORG', 'LOCATION', 'JUDGE', 'LAWYER']);

/**
 * The other occurrences and short forms of the names the rules found ("Acme" after "Acme Corp.",
 * "Whitcombe" after "Judge Ann Whitcombe"), typed as the name they repeat; the model's own names got
 * theirs in recogniseWithModel. Roles are not copied: a role is what one passage says.
 */
function withConsistentNames(text: string, merged: readonly Mention[]): Mention[] {
  const sources = merged.filter((m) => NAME_LIKE.has(m.type) && m.method !== 'model' && m.method !== 'defined-term');
  if (sources.length === 0) return [...merged];
  const asNames = sources.map((m) => (m.type === 'JUDGE' || m.type === 'LAWYER' ? { ...m, type: 'PERSON' as const } : m));
  const taken = new Set(merged.map((m) => `${m.start}:${m.end}`));
  const added: Mention[] = [];
  for (const m of consistentMentions(text, asNames)) {
    if (taken.has(`${m.start}:${m.end}`) || asNames.some((a) => a.start === m.start && a.end === m.end)) continue;
    const source = sources.find(
      (src) =>
        src.value === m.value ||
        src.value.endsWith(` ${m.value}`) ||
        src.value.startsWith(`${m.value} `) ||
        src.value.startsWith(`${m.value},`),
    );
    added.push({ ...m, type: source?.type ?? m.type, method: 'rules', confidence: m.confidence * 0.9 });
  }
  return added.length ? resolveOverlaps([...merged, ...added]) : [...merged];
}

/** Adds the defined terms of `text` (and their later uses) to merged mentions, and merges again. */
export function withDefinedTerms(text: string, merged: readonly Mention[]): Mention[] {
  const definitions = findDefinitions(text, merged);
  if (definitions.length === 0) return [...merged];
  const targets = new Map(definitions.map((d) => [`${d.target.start}:${d.target.end}`, d.term]));
  const marked = merged.map((m) => {
    if (!targets.has(`${m.start}:${m.end}`) || m.meta?.role) return m;
    return { ...m, meta: { ...m.meta, role: 'party' as const } };
  });
  return resolveOverlaps([...marked, ...definedTermMentions(text, definitions, marked)]);
}

/** Non-overlapping mentions of one text, offsets within it. */
export function recogniseLocal(text: string): Mention[] {
  return withDefinedTerms(text, withConsistentNames(text, resolveOverlaps(localCandidates(text))));
}
