/**
 * The common-law layer of the legal rules (Indian, UK and other common-law judgments, cause lists and
 * headers, next to the U.S. forms of ../patterns.ts). Typing policy (as InLegalNER-style annotators
 * would label; see the README's NER section):
 * - COURT: the court's full name as written, without "In the" ("High Court of Judicature at Bombay");
 *   a bench is typed with its court as one span ("Nagpur Bench of Bombay High Court",
 *   "National Company Law Tribunal, Chennai Bench"); "Constitution Bench" is a COURT; "this Court" is not.
 * - JUDGE / LAWYER: the name only, without "Hon'ble Mr. Justice", ", J.", "Mr." or ", Advocate";
 *   lawyers carry `forRole` / `forParty` when the text says whom they act for.
 * - Parties: PERSON or ORG with `meta.role` (singular, lower case), without "& Ors", "M/s." or "Smt.".
 *   Parties of a cited precedent get no role (they are not parties of this case).
 * - CASE_NUMBER: the number with its type prefix ("W.P. No. 1234 of 2018", "Crl.A. 512/2016"); a list
 *   gives one mention per item ("MAC.APP. 101/2017" and "CM Nos. 2222/2017"); a generic label
 *   ("Case No.", "Appeal No.", "Docket No.") is not part of the number.
 * - STATUTE: the Act or Code by name, with its year when written ("Arms Act, 1959", "IPC",
 *   "Constitution of India"); PROVISION: the section / article / order-rule ("Sections 302, 307 & 34",
 *   "Article 21", "Order XXI Rule 4"); U.S. Code citations ("28 U.S.C. § 1331") stay one STATUTE.
 * - CITATION: the reporter or neutral citation only ("(1978) 1 SCC 248", "[2021] UKSC 14").
 * - DATE: full dates in any common form ("14th June, 2019", "03.08.2016"); a bare year only as the date
 *   of an event ("registered in 2014"), never inside a case number, citation or statute name.
 */
import { trimLeadingNonNames } from '../name-spans.ts';
import { makeMention, type EntityType, type Mention } from '../types.ts';
import { recogniseJudges, recogniseLawyerLists, recogniseSignatories, recogniseSignatureLawyers } from './counsel.ts';
import { COMMON_LAW_COURT_RES } from './courts.ts';
import {
  COMMON_LAW_CASE_RES,
  COMMON_LAW_CITATION_RES,
  COMMON_LAW_DATE_RES,
  COMMON_LAW_MONEY_RES,
  COMMON_LAW_PROVISION_RES,
  COMMON_LAW_STATUTE_RES,
} from './numbers.ts';
import { recogniseParties } from './parties.ts';

const SPANS: Array<{ type: EntityType; res: RegExp[]; confidence: number }> = [
  { type: 'CASE_NUMBER', res: COMMON_LAW_CASE_RES, confidence: 0.95 },
  { type: 'CITATION', res: COMMON_LAW_CITATION_RES, confidence: 0.95 },
  { type: 'PROVISION', res: COMMON_LAW_PROVISION_RES, confidence: 0.9 },
  { type: 'STATUTE', res: COMMON_LAW_STATUTE_RES, confidence: 0.9 },
  { type: 'COURT', res: COMMON_LAW_COURT_RES, confidence: 0.9 },
  { type: 'DATE', res: COMMON_LAW_DATE_RES, confidence: 0.9 },
  { type: 'MONEY', res: COMMON_LAW_MONEY_RES, confidence: 0.9 },
];

/** Citations start with a bracket ("(1978) 1 SCC 248"), which makeMention would trim. */
function spanMention(text: string, type: EntityType, start: number, end: number, confidence: number): Mention | undefined {
  if (type === 'CITATION') return { type, start, end, value: text.slice(start, end), confidence, method: 'rules' };
  const s = type === 'COURT' || type === 'STATUTE' ? trimLeadingNonNames(text, start, end) : start;
  return makeMention(text, type, s, end, 'rules', confidence);
}

export function recogniseCommonLaw(text: string): Mention[] {
  const out: Mention[] = [];
  for (const { type, res, confidence } of SPANS) {
    for (const re of res) {
      re.lastIndex = 0;
      for (let m = re.exec(text); m; m = re.exec(text)) {
        const mention = spanMention(text, type, m.index, m.index + m[0].length, confidence);
        if (mention) out.push(mention);
      }
    }
  }
  const lawyers = [...recogniseLawyerLists(text), ...recogniseSignatureLawyers(text)];
  // a signatory who signs as counsel is a LAWYER, not a PERSON
  const signatories = recogniseSignatories(text).filter((p) => !lawyers.some((l) => l.start === p.start));
  out.push(...recogniseJudges(text), ...lawyers, ...signatories, ...recogniseParties(text));
  return out;
}
