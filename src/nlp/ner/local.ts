/** The offline recogniser: legal rules + wink-nlp + compromise, merged, then defined terms of the text. */
import { recogniseCaptions, recogniseCaseNameLines } from './caption.ts';
import { recogniseWithCompromise } from './compromise.ts';
import { definedTermMentions, findDefinitions } from './definitions.ts';
import { resolveOverlaps } from './merge.ts';
import { recogniseWithRules } from './rules.ts';
import type { Mention } from './types.ts';
import { recogniseWithWink } from './wink.ts';

/** Raw candidates of every recogniser (overlapping). */
export function localCandidates(text: string): Mention[] {
  return [
    ...recogniseCaseNameLines(text),
    ...recogniseCaptions(text),
    ...recogniseWithRules(text),
    ...recogniseWithWink(text),
    ...recogniseWithCompromise(text),
  ];
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
  return withDefinedTerms(text, resolveOverlaps(localCandidates(text)));
}
