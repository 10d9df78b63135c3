/** Building blocks of the common-law rules: people's names with initials, titles, party role words. */
import type { PartyRole } from '../types.ts';

/** Words that follow a name in a header or list and are never part of it. */
const NOT_NAME_WORD = String.raw`(?:AND|And|OF|THE|The|Versus|VERSUS|Vs|VS|Between|BETWEEN|Advocates?|ADVOCATES?|Counsel|COUNSEL|Senior|SENIOR|Sr|Learned|Ld|JJ|Through|THROUGH|Present|PRESENT|Date|DATE|Dated|DATED|Reserved|Pronounced|Coram|CORAM|Before|BEFORE|Appellants?|APPELLANTS?|Respondents?|RESPONDENTS?|Petitioners?|PETITIONERS?|Applicants?|Plaintiffs?|Defendants?|Claimants?|Debtors?|Accused|Complainants?|Hon['’]?ble|HON['’]?BLE|Hon|HON|Honourable|HONOURABLE|Justice|JUSTICE|Judge|JUDGE|Mr|MR|Mrs|MRS|Ms|MS|Dr|DR|Sri|SRI|Shri|SHRI|Smt|SMT|Lord|Lady|Sir|Name|Title|Case|Attorneys?|For|FOR|Addl|APP|AGP|AGA|Government|Public|Chapter|Bar|In|IN|On|ON|By|BY|At|AT)(?![\w'’])`;
const WORD = String.raw`(?!${NOT_NAME_WORD})[A-Z\u00c0-\u00de][a-zA-Z\u00c0-\u024f'’\-]+(?![\u00c0-\u024f])`;
const INITIAL = String.raw`(?!${NOT_NAME_WORD})[A-Z][a-z]{0,3}\.[ \t\u00a0]?`;

/**
 * A person's name as Indian, UK and US headers write it: initials glued or spaced ("R.K. Bhatnagar",
 * "S. V. GANGAPURWALA", "Mohd. Irfan Qureshi"), then one to four words, never a title or role word.
 */
export const PERSON = String.raw`(?<![\w'’.])(?:${INITIAL}){0,3}${WORD}(?:[ \t\u00a0]+(?:${INITIAL}){0,2}${WORD}){0,3}`;

/** Titles before a name: "Hon'ble Mr. Justice", "Mr.", "Smt.", "Sri.". */
export const HONORIFIC = String.raw`(?:Mr|Mrs|Ms|Dr|Sri|Shri|Smt|Km|Kum|MR|MRS|MS|DR|SRI|SHRI|SMT)\.?`;
export const HONBLE = String.raw`(?:(?:The|THE)[ \t\u00a0]+)?(?:Hon['’]?ble|HON['’]?BLE|Honourable|HONOURABLE|Honorable|HONORABLE)`;

/** Role words (any case, singular or plural, with an optional "(s)") and the role they name. */
const ROLES: Record<string, PartyRole> = {
  plaintiff: 'plaintiff',
  defendant: 'defendant',
  debtor: 'debtor',
  creditor: 'creditor',
  appellant: 'appellant',
  appellee: 'appellee',
  petitioner: 'petitioner',
  respondent: 'respondent',
  applicant: 'applicant',
  complainant: 'complainant',
  accused: 'accused',
  claimant: 'claimant',
};
export const ROLE_WORD = String.raw`(?:[Pp]laintiff|[Dd]efendant|[Dd]ebtor|[Cc]reditor|[Aa]ppellant|[Aa]ppellee|[Pp]etitioner|[Rr]espondent|[Aa]pplicant|[Cc]omplainant|[Aa]ccused|[Cc]laimant|PLAINTIFF|DEFENDANT|DEBTOR|CREDITOR|APPELLANT|APPELLEE|PETITIONER|RESPONDENT|APPLICANT|COMPLAINANT|ACCUSED|CLAIMANT)(?:s|S|\(s\)|\(S\))?`;

/** The party role a role word names ("Respondents" -> 'respondent'), if any. */
export function roleOf(word: string): PartyRole | undefined {
  return ROLES[
    word
      .toLowerCase()
      .replace(/\(s\)$/, '')
      .replace(/(?<!accu)s$/, '')
  ];
}

/** Dot leaders between a party and its role in Indian cause titles ("..... Petitioner", "...Appellant(s)"). */
export const LEADER = String.raw`(?:\.{2,}|…+|_{2,}|-{2,})`;
