/**
 * Parties with the role the text gives them: cause titles ("A ..... Appellant Versus B & Ors .....
 * Respondents"), UK headers ("A (Appellant) v B (Respondent)", "A Claimant - and - B Defendant"),
 * U.S. captions ("A, Plaintiff, v. B, Defendant."), "In re: X", and running text ("the appellant X",
 * "X, the appellant,", "Attorneys for Defendant X"). A party is a PERSON or ORG mention with `meta.role`.
 */
import { classifyParty, hasOrgWord } from '../caption.ts';
import { ORG_SUFFIXES, withUpper, alternation } from '../gazetteers.ts';
import { makeMention, type Mention, type PartyRole } from '../types.ts';
import { LEADER, ROLE_WORD, roleOf } from './names.ts';

const SUFFIX = alternation(withUpper([...ORG_SUFFIXES, 'Pvt. Ltd.', 'Private Limited', 'PRIVATE LIMITED']));
const WORD = String.raw`(?!(?:Ors|ORS|Anr|ANR|Others|OTHERS)\b)(?:[A-Z][\w'’.&-]*|&)`;
const CONNECT = String.raw`(?:(?:of|and|for|the|de|OF|AND|FOR|THE)[ \t\u00a0]+){0,2}`;
/** A party's name: capitalised words with "of/and/for/the" between, and a legal form after a comma. */
const NAME = String.raw`${WORD}(?:[ \t\u00a0]+${CONNECT}${WORD}){0,9}(?:,[ \t\u00a0]+(?:${SUFFIX})(?![\w]))?`;
const OTHERS = String.raw`(?:[ \t\u00a0]*(?:&|and|AND)[ \t\u00a0]*(?:Ors|ORS|ors|Others|OTHERS|others|Anr|ANR|anr|another|Another|ANOTHER)\.?|,?[ \t\u00a0]+et[ \t\u00a0]+al\.?)?`;
const NOT_START = String.raw`(?!(?:Versus|VERSUS|Vs|VS|Through|THROUGH|And|AND|Between|BETWEEN|In|On|Nos?|For)\b)`;
const ROLE_ONE = String.raw`(?:[Pp]laintiff|[Dd]efendant|[Dd]ebtor|[Cc]reditor|[Aa]ppellant|[Aa]ppellee|[Pp]etitioner|[Rr]espondent|[Aa]pplicant|[Cc]omplainant|[Aa]ccused|[Cc]laimant)`;

const PARTY_RES: RegExp[] = [
  // A ..... Petitioner / B & Ors ..... Respondents / A ...Appellant(s)
  new RegExp(String.raw`(?<![\w'’./])(${NAME})${OTHERS}[ \t\u00a0]*(?:\r?\n[ \t\u00a0]*)?${LEADER}[ \t\u00a0]*(${ROLE_WORD})(?![\w])`, 'g'),
  // A (Appellant) v B (Respondent)
  new RegExp(String.raw`(?<![\w'’.])(${NAME})${OTHERS}[ \t\u00a0]*\((${ROLE_WORD})\)`, 'g'),
  // A Claimant - and - B Defendant (a name of two words or more: "the Account Debtor (" is no party)
  new RegExp(
    String.raw`(?<![\w'’.])(${WORD}[ \t\u00a0]+${NAME})[ \t\u00a0]+(${ROLE_WORD})(?=[ \t\u00a0]*(?:-[ \t\u00a0]*and[ \t\u00a0]*-|\r?\n|$|v[ \t\u00a0]|Versus|VERSUS))`,
    'g',
  ),
  // A, Plaintiff, v. / B, Defendant. / X, Debtor.
  new RegExp(
    String.raw`(?<![\w'’.])(${NAME})${OTHERS},[ \t\u00a0]+(${ROLE_WORD})(?=[ \t\u00a0]*[,.;]|[ \t\u00a0]*$|[ \t\u00a0]*\r?\n)`,
    'g',
  ),
];

/** "the appellant X", "Defendant X", "the petitioner, X" */
const ROLE_THEN_NAME = new RegExp(
  String.raw`(?<![\w])(${ROLE_ONE})(?:[ \t\u00a0]+No\.[ \t\u00a0]*\d+)?,?[ \t\u00a0]+(?:(?:Mr|Mrs|Ms|Dr|Sri|Shri|Smt|M\/[sS])\.?[ \t\u00a0]+)?${NOT_START}(${NAME})`,
  'g',
);
/** "X, the appellant," */
const NAME_THEN_ROLE = new RegExp(String.raw`(?<![\w'’.])(${NAME}),[ \t\u00a0]+the[ \t\u00a0]+(${ROLE_ONE})(?![\w])`, 'g');
const IN_RE = new RegExp(
  String.raw`(?:In[ \t\u00a0]+re|IN[ \t\u00a0]+RE|In[ \t\u00a0]+the[ \t\u00a0]+Matter[ \t\u00a0]+of|IN[ \t\u00a0]+THE[ \t\u00a0]+MATTER[ \t\u00a0]+OF)[ \t\u00a0]*:?[ \t\u00a0]+(${NAME})`,
  'g',
);

/** Words before a name that belong to the header, not the party ("Versus", "BETWEEN:", "Smt.", "M/s."). */
const LEAD =
  /^(?:(?:Versus|VERSUS|Vs\.?|VS\.?|V\/[sS]\.?|v\.?|And|AND|Between|BETWEEN|The|THE|In|IN|Smt\.?|Sri\.?|Shri\.?|Mr\.?|Mrs\.?|Ms\.?|Dr\.?|M\/[sS]\.?|Case|Name|Attorneys?|Counsel|For|FOR)[ \t\u00a0:]+)+/;
/** A party name never contains these (it is a cue or a heading, not a name). */
const NOT_PARTY =
  /\b(?:Advocates?|ADVOCATES?|Counsel|COUNSEL|Court|COURT|Bench|BENCH|Through|THROUGH|Justice|JUSTICE|Judge|JUDGE|No|NO|Nos|Case|Section|Article|Order|Respondents?|RESPONDENTS?|Appellants?|APPELLANTS?|Petitioners?|PETITIONERS?|Plaintiffs?|Defendants?|Applicants?|Accused)\b/;

/** PERSON for a short name of name-like words without an organisation word ("Ramesh Vithal Kadam", "Mohd. Irfan Qureshi"). */
function partyType(name: string): 'PERSON' | 'ORG' {
  const titled = name.replace(/[A-Z][A-Z'’-]+/g, (w) => w[0] + w.slice(1).toLowerCase());
  if (hasOrgWord(name) || hasOrgWord(titled)) return 'ORG';
  const words = name.split(' ');
  if (words.length <= 4 && words.every((w) => /^(?:[A-Z][a-zA-Z'’-]+|[A-Z][a-z]{0,3}\.|[A-Z]\.[A-Z]\.)$/.test(w))) return 'PERSON';
  return classifyParty(name) === 'PERSON' ? 'PERSON' : 'ORG';
}

function party(text: string, start: number, end: number, role: PartyRole): Mention | undefined {
  const lead = LEAD.exec(text.slice(start, end));
  const s = start + (lead ? lead[0].length : 0);
  const probe = makeMention(text, 'OTHER', s, end, 'rules', 0.9);
  if (!probe || !/[A-Za-z]{2}/.test(probe.value) || NOT_PARTY.test(probe.value) || roleOf(probe.value)) return undefined;
  // "the Respondent State", "the Respondent Bank": a generic word names no party
  if (!/\s/.test(probe.value) && (hasOrgWord(probe.value) || /^(?:State|STATE|Government|Union|Authority|Department)$/.test(probe.value)))
    return undefined;
  const name = probe.value.replace(/\s+/g, ' ');
  // "In re: X" names a matter as often as a party: a PERSON only when it reads as a short name
  const type =
    role !== 'in-re'
      ? partyType(name)
      : hasOrgWord(name)
        ? 'ORG'
        : partyType(name) === 'PERSON' && name.split(' ').length <= 3
          ? 'PERSON'
          : 'OTHER';
  return makeMention(text, type, probe.start, probe.end, 'rules', 0.9, { role });
}

function collect(text: string, re: RegExp, nameGroup: number, roleGroup: number | PartyRole, out: Mention[]): void {
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const name = m[nameGroup] ?? '';
    const role = typeof roleGroup === 'number' ? roleOf(m[roleGroup] ?? '') : roleGroup;
    if (!name || !role) continue;
    const start = m.index + m[0].indexOf(name, nameGroup === 1 ? 0 : (m[1]?.length ?? 0));
    const p = party(text, start, start + name.length, role);
    if (p) out.push(p);
  }
}

/** Cheap tests that the cue of each PARTY_RES rule occurs at all (a name-first regex is costly on long texts). */
const PARTY_CUES: RegExp[] = [
  new RegExp(String.raw`${LEADER}[ \t\u00a0]*${ROLE_WORD}`),
  new RegExp(String.raw`\(${ROLE_WORD}\)`),
  new RegExp(String.raw`[ \t\u00a0]${ROLE_WORD}(?=[ \t\u00a0]*(?:-[ \t\u00a0]*and[ \t\u00a0]*-|\r?\n|$|v[ \t\u00a0]|Versus|VERSUS))`),
  new RegExp(String.raw`,[ \t\u00a0]+${ROLE_WORD}(?=[ \t\u00a0]*[,.;]|[ \t\u00a0]*$|[ \t\u00a0]*\r?\n)`),
];

export function recogniseParties(text: string): Mention[] {
  const out: Mention[] = [];
  PARTY_RES.forEach((re, i) => {
    if (PARTY_CUES[i]?.test(text)) collect(text, re, 1, 2, out);
  });
  collect(text, ROLE_THEN_NAME, 2, 1, out);
  if (/,[ \t\u00a0]+the[ \t\u00a0]+[a-zA-Z]+/.test(text)) collect(text, NAME_THEN_ROLE, 1, 2, out);
  collect(text, IN_RE, 1, 'in-re', out);
  return out;
}
