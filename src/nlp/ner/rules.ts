/** Legal rules: courts, judges, lawyers, case numbers, citations, statutes, provisions, dates, money, organisations. */
import { NOT_NAME_START } from './gazetteers.ts';
import {
  CASE_NUMBER_RES,
  CITATION_RES,
  COURT_RES,
  DATE_RES,
  JUDGE_RES,
  LAWYER_RES,
  MONEY_RES,
  ORG_HEAD_OF_RE,
  ORG_HEAD_RE,
  ORG_RE,
  PROVISION_RES,
  STATUTE_RES,
} from './patterns.ts';
import { makeMention, type EntityType, type Mention } from './types.ts';
import { recogniseCommonLaw } from './legal/index.ts';
import { trimLeadingNonNames } from './name-spans.ts';

interface Rule {
  type: EntityType;
  res: RegExp[];
  confidence: number;
  /** Use capture group 1 as the span (the name after "Judge"), else the whole match. */
  group?: boolean;
}

const RULES: Rule[] = [
  { type: 'CASE_NUMBER', res: CASE_NUMBER_RES, confidence: 0.95, group: true },
  { type: 'CITATION', res: CITATION_RES, confidence: 0.95 },
  { type: 'STATUTE', res: STATUTE_RES, confidence: 0.9 },
  { type: 'PROVISION', res: PROVISION_RES, confidence: 0.85 },
  { type: 'COURT', res: COURT_RES, confidence: 0.9 },
  { type: 'JUDGE', res: JUDGE_RES, confidence: 0.9, group: true },
  { type: 'LAWYER', res: LAWYER_RES, confidence: 0.85, group: true },
  { type: 'DATE', res: DATE_RES, confidence: 0.9 },
  { type: 'MONEY', res: MONEY_RES, confidence: 0.9 },
];

/** Span of capture group 1 inside a match (without the `d` flag: the last occurrence that fits). */
function groupSpan(m: RegExpExecArray): [number, number] {
  const g = m[1];
  if (g === undefined) return [m.index, m.index + m[0].length];
  const at = m[0].lastIndexOf(g);
  return [m.index + at, m.index + at + g.length];
}

/** Drops the words at the end of a name span that never belong to a name ("Alison Penrose Between"). */
function trimTrailingNonNames(text: string, start: number, end: number): number {
  let e = end;
  for (;;) {
    const m = /\s+([A-Za-z][A-Za-z.'’-]*)$/.exec(text.slice(start, e));
    if (!m || !NOT_NAME_START.has(m[1] ?? '')) return e;
    e -= m[0].length;
  }
}

/** Removes a possessive ending ("Mizelle's") from a name span. */
function dropPossessive(text: string, end: number): number {
  return /['’]s$/.test(text.slice(Math.max(0, end - 2), end)) ? end - 2 : end;
}

/** A candidate that starts a line and runs onto the next starts after the line break (the first line is a heading). */
function headingCut(text: string, start: number, end: number): number {
  const nl = text.slice(start, end).lastIndexOf('\n');
  if (nl < 0) return start;
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  return /^[ \t\u00a0]*$/.test(text.slice(lineStart, start)) ? start + nl + 1 : start;
}

/** Words ending in a period that do not end a sentence inside an organisation's name. */
const NAME_ABBREVIATION =
  /(?:^|[^\w])(?:Inc|Corp|Co|Ltd|Bros|Assn|Dept|Univ|Intl|Mfg|Natl|Nat|Mt|St|Ft|No|Nos|Jr|Sr|Mr|Mrs|Ms|Dr|Hon|[A-Z])\.$/;
/** Connectors a wrapped name may end a line with ("Court for the" / "Middle District"). */
const LINE_END_CONNECTOR = /(?:\b(?:of|and|for|the|de|du|la|del|von|van|on|OF|AND|FOR|THE)|[&,])[ \t\u00a0]*$/;

/**
 * Where an organisation candidate [start, end) may start: after the last sentence end inside it
 * ("Arizona. Meridian Software Corp." -> "Meridian Software Corp.") and after a line break that ends a
 * short line of its own (a list of names, one per line), unless the line ends with a connector
 * ("... for the" / "Middle District") or is a line of wrapped prose (long).
 */
function organisationStart(text: string, start: number, end: number): number {
  let s = start;
  const span = text.slice(start, end);
  const boundary = /([^\s]+)[.!?]["”’)]?[ \t\u00a0]+(?=["“(]?[A-Z])|\r?\n/g;
  for (let m = boundary.exec(span); m; m = boundary.exec(span)) {
    const at = start + m.index;
    if (m[0].endsWith('\n')) {
      const lineStart = text.lastIndexOf('\n', at - 1) + 1;
      const line = text.slice(lineStart, at);
      if (!LINE_END_CONNECTOR.test(line) && line.trim().length < 45) s = at + m[0].length;
      continue;
    }
    const word = `${m[1] ?? ''}.`;
    if (/[a-z]{2}\.$/.test(word) && !NAME_ABBREVIATION.test(word)) s = at + m[0].length;
  }
  return s;
}

function recogniseOrganisations(text: string): Mention[] {
  const out: Mention[] = [];
  for (const re of [ORG_RE, ORG_HEAD_RE, ORG_HEAD_OF_RE]) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const e = m.index + m[0].length;
      const s = trimLeadingNonNames(text, organisationStart(text, headingCut(text, m.index, e), e), e);
      const mention = makeMention(text, 'ORG', s, e, 'rules', 0.85);
      // a bare legal form or head word ("Inc.", "Bank") is not a name
      if (!mention || !/\s/.test(mention.value) || /[\n\r]\s*[\n\r]/.test(mention.value)) continue;
      // two organisations joined by "and" ("Harbor LLC and Ashford Trust Company") are two candidates, not one
      if (/\b(?:Inc\.?|LLC|L\.L\.C\.|Corp\.?|Ltd\.?|LLP|L\.P\.|N\.A\.|S\.A\.|Co\.),?\s+(?:and|or|&)\s+/i.test(mention.value)) continue;
      out.push(mention);
    }
  }
  return out;
}

/** A party with its role and the same span found without one: keep the party (overlaps resolve by rank, not role). */
function dropRolelessTwins(mentions: Mention[]): Mention[] {
  const withRole = new Set(mentions.filter((m) => m.meta?.role).map((m) => `${m.start}:${m.end}`));
  return mentions.filter((m) => m.meta?.role || !(m.type === 'ORG' || m.type === 'PERSON') || !withRole.has(`${m.start}:${m.end}`));
}

/**
 * An organisation candidate that runs from a lawyer's or judge's name over a line break ("Paul R. Whitman\n
 * Whitman & Cole LLP") starts on the next line; one that only overlaps the name is dropped.
 */
function cutOrganisationsAtPeople(text: string, mentions: Mention[]): Mention[] {
  const people = mentions.filter((m) => m.type === 'LAWYER' || m.type === 'JUDGE');
  if (people.length === 0) return mentions;
  const out: Mention[] = [];
  for (const m of mentions) {
    const person = m.type === 'ORG' && !m.meta ? people.find((p) => p.start < m.end && m.start < p.end) : undefined;
    if (!person) {
      out.push(m);
      continue;
    }
    const nl = text.indexOf('\n', person.end);
    const cut = nl >= 0 && nl < m.end ? makeMention(text, 'ORG', nl + 1, m.end, m.method, m.confidence) : undefined;
    if (cut && /\s/.test(cut.value)) out.push(cut);
  }
  return out;
}

export function recogniseWithRules(text: string): Mention[] {
  const out: Mention[] = [];
  for (const rule of RULES) {
    for (const re of rule.res) {
      re.lastIndex = 0;
      for (let m = re.exec(text); m; m = re.exec(text)) {
        if (m[0].length === 0) {
          re.lastIndex++;
          continue;
        }
        let [s, e] = rule.group ? groupSpan(m) : [m.index, m.index + m[0].length];
        if (rule.type === 'JUDGE' || rule.type === 'LAWYER') {
          s = trimLeadingNonNames(text, s, e);
          e = dropPossessive(text, trimTrailingNonNames(text, s, e));
        }
        if (rule.type === 'COURT' && !/^[A-Z0-9]/.test(text.slice(s, e))) continue;
        const mention = makeMention(text, rule.type, s, e, 'rules', rule.confidence);
        if (!mention) continue;
        if ((rule.type === 'JUDGE' || rule.type === 'LAWYER') && mention.value.split(/\s+/).every((w) => NOT_NAME_START.has(w))) continue;
        // "(Ravel, J.)" and "entered by Ravel, J." are clerks' initials in court e-mails, not judges
        if (rule.type === 'JUDGE' && /, J\.$/.test(m[0]) && /(?:\(|\bby\s)$/.test(text.slice(Math.max(0, m.index - 4), m.index))) continue;
        out.push(mention);
      }
    }
  }
  out.push(...recogniseOrganisations(text), ...recogniseCommonLaw(text));
  return cutOrganisationsAtPeople(text, dropRolelessTwins(out));
}
