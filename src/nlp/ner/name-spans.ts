/** Span trimming shared by the rules, the caption reader and the legal recognisers (kept apart so they do not import each other). */
import { NOT_NAME_START } from './gazetteers.ts';

/** Drops the words at the front of a span that never start a name ("The", "Defendant", "WHEREAS"). */
export function trimLeadingNonNames(text: string, start: number, end: number): number {
  let s = start;
  for (;;) {
    const m = /^([A-Za-z][A-Za-z.-]*)[,:]?\s+/.exec(text.slice(s, end));
    const word = m?.[1] ?? '';
    if (!m || !(NOT_NAME_START.has(word) || NOT_NAME_START.has(word.replace(/\.$/, '')) || /^[a-z]/.test(word))) return s;
    s += m[0].length;
  }
}
