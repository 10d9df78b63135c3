/** Scores whether two names of one type denote the same entity, with the rule that decided. */
import { coreTokens, isAcronym, isLeadingWords, jaroWinkler, legalForms, personMatch, tokenSetRatio, tokens } from './similarity.ts';

export interface PairScore {
  score: number;
  rule: string;
  /** The rule only holds when the shorter name matches one entity (a surname, a short name, an acronym). */
  uniqueOnly?: boolean;
}

export const ACCEPT = 0.9;
export const AMBIGUOUS = 0.75;

const PERSON_TYPES = new Set(['PERSON', 'JUDGE', 'LAWYER']);
const FUZZY_TYPES = new Set(['PERSON', 'JUDGE', 'LAWYER', 'ORG', 'COURT']);

export function scorePair(type: string, a: string, b: string): PairScore {
  if (a === b) return { score: 1, rule: 'exact-normalized' };
  if (!FUZZY_TYPES.has(type)) return { score: 0, rule: 'none' };
  if (PERSON_TYPES.has(type)) {
    const m = personMatch(tokens(a), tokens(b));
    if (m === 'initials') return { score: 0.93, rule: 'initials' };
    if (m === 'surname') return { score: 0.9, rule: 'surname', uniqueOnly: true };
    if (m === 'no') {
      const jw = jaroWinkler(a, b);
      // a spelling variant of the same full name ("Jon Smith" / "John Smith" is not: first names differ)
      return {
        score:
          jw >= 0.97 && tokens(a).length === tokens(b).length && tokens(a).at(-1) === tokens(b).at(-1)
            ? jw
            : Math.min(jw, AMBIGUOUS - 0.01),
        rule: 'jaro-winkler',
      };
    }
  }
  const ca = coreTokens(a);
  const cb = coreTokens(b);
  const fa = legalForms(a);
  const fb = legalForms(b);
  const formsAgree = fa.length === 0 || fb.length === 0 || fa.join() === fb.join();
  if (ca.join(' ') === cb.join(' ')) return formsAgree ? { score: 0.95, rule: 'legal-form' } : { score: 0.5, rule: 'different-legal-form' };
  if (tokenSetRatio(ca, cb) === 1) return { score: 0.95, rule: 'token-set' };
  const [short, long] = ca.length <= cb.length ? [ca, cb] : [cb, ca];
  if (isAcronym(short, long)) return { score: 0.9, rule: 'acronym', uniqueOnly: true };
  if (isLeadingWords(short, long)) return { score: 0.9, rule: 'short-name', uniqueOnly: true };
  const sa = ca.join(' ');
  const sb = cb.join(' ');
  const jw = jaroWinkler(sa, sb);
  if (
    jw >= 0.96 &&
    ca.length === cb.length &&
    ca[0] === cb[0] &&
    Math.abs(sa.length - sb.length) <= 2 &&
    Math.min(sa.length, sb.length) >= 8 &&
    formsAgree
  ) {
    return { score: jw, rule: 'jaro-winkler' };
  }
  const mixed = 0.5 * jw + 0.5 * tokenSetRatio(ca, cb);
  return { score: Math.min(mixed, ACCEPT - 0.01), rule: 'jaro-winkler+token-set' };
}
