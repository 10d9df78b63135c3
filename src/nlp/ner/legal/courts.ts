/**
 * Courts and tribunals of common-law jurisdictions other than the U.S. federal ones: "High Court of
 * Judicature at Bombay", "Nagpur Bench of Bombay High Court", "Supreme Court of India", "Court of
 * Appeal (Civil Division)", "National Company Law Tribunal, Chennai Bench", "Constitution Bench".
 * A bench is typed with its court, as one COURT span ("Nagpur Bench of Bombay High Court").
 */
import { SEP } from '../patterns.ts';

/** A phrase in title case or upper case, words joined by SEP: "High Court" -> (?:High|HIGH)…(?:Court|COURT). */
export function phrase(words: string): string {
  return words
    .split(' ')
    .map((w) => (/^[a-z]/.test(w) ? `(?:${w}|${w.toUpperCase()})` : `(?:${w}|${w.toUpperCase()})`))
    .join(SEP);
}

/** A place after "at"/"of": one word, or "New Delhi"-like two, or "Punjab and Haryana" (a header's next word is not swallowed). */
const PREFIX = String.raw`(?:New|NEW|Navi|NAVI|Greater|GREATER|North|NORTH|South|SOUTH|East|EAST|West|WEST)`;
const PLACE = String.raw`(?:(?:${PREFIX}${SEP})?(?:[A-Z][a-z]+(?:${SEP}and${SEP}[A-Z][a-z]+)?|[A-Z]{2,}(?:${SEP}AND${SEP}[A-Z]{2,})?)(?![\w]))`;
/** A place word before "High Court" / "Bench" ("Bombay", "Punjab and Haryana"). */
const PLACE_BEFORE = String.raw`(?:(?!(?:The|THE|This|THIS|That|Hon|In|IN|Of|OF|And|AND)\b)[A-Z][a-z]+(?:${SEP}and${SEP}[A-Z][a-z]+)?|(?!(?:THE|THIS|IN|OF|AND)\b)[A-Z]{2,}(?:${SEP}AND${SEP}[A-Z]{2,})?)`;
const BENCH = String.raw`(?:${PLACE_BEFORE}|Principal|PRINCIPAL)${SEP}${phrase('Bench')}`;
const DIVISION = String.raw`(?:${SEP}?\((?:Civil|Criminal|CIVIL|CRIMINAL)${SEP}(?:Division|DIVISION)\))`;
const TRIBUNAL_WORD = String.raw`(?:[A-Z][a-z]+|[A-Z]{2,})`;

export const COMMON_LAW_COURT_RES: RegExp[] = [
  // High Court of Judicature at Bombay, HIGH COURT OF DELHI AT NEW DELHI, High Court of Justice
  new RegExp(
    String.raw`(?<![\w])(?:${BENCH}${SEP}${phrase('of')}${SEP}(?:${phrase('the')}${SEP})?)?${phrase('High Court of')}${SEP}(?:${phrase('Judicature')}${SEP}(?:at|for|of|AT|FOR|OF)${SEP}${PLACE}|${PLACE})(?:${SEP}(?:at|AT)${SEP}${PLACE})?`,
    'g',
  ),
  // Bombay High Court, Nagpur Bench of Bombay High Court, Punjab and Haryana High Court at Chandigarh
  new RegExp(
    String.raw`(?<![\w])(?:${BENCH}${SEP}${phrase('of')}${SEP}(?:${phrase('the')}${SEP})?)?${PLACE_BEFORE}${SEP}${phrase('High Court')}(?:${SEP}(?:at|AT)${SEP}${PLACE})?`,
    'g',
  ),
  // Supreme Court (of India / of Victoria / of New South Wales / of the United Kingdom), High Court
  new RegExp(
    String.raw`(?<![\w])(?:${phrase('Supreme Court')}(?:${SEP}${phrase('of')}${SEP}(?:${phrase('the United Kingdom')}|(?:${PREFIX}${SEP})?[A-Z][a-z]+(?:[ \t\u00a0]+[A-Z][a-z]+){0,2}|[A-Z]{2,}(?:[ \t\u00a0]+[A-Z]{2,}){0,2}))?|${phrase('High Court')})(?![\w])`,
    'g',
  ),
  // Court of Appeal (Civil Division); not the U.S. "Court of Appeals"
  new RegExp(String.raw`(?<![\w])${phrase('Court of Appeal')}(?![\w])${DIVISION}?`, 'g'),
  new RegExp(
    String.raw`(?<![\w])(?:${phrase('Constitution Bench')}|${phrase('House of Lords')}|${phrase('Privy Council')}|${phrase('Judicial Committee of the Privy Council')})(?![\w])`,
    'g',
  ),
  // National Company Law (Appellate) Tribunal, Motor Accident Claims Tribunal, Central Administrative Tribunal, Principal Bench
  new RegExp(
    String.raw`(?<![\w])(?:${TRIBUNAL_WORD}${SEP}(?:(?:and|of|AND|OF)${SEP})?){1,5}(?:Tribunal|TRIBUNAL)(?:,?${SEP}${BENCH})?`,
    'g',
  ),
  new RegExp(
    String.raw`(?<![\w])(?:National|State|District|NATIONAL|STATE|DISTRICT)${SEP}${phrase('Consumer Disputes Redressal Commission')}`,
    'g',
  ),
  // Court of the Additional Sessions Judge, Court of the Chief Judicial Magistrate
  new RegExp(
    String.raw`(?<![\w])${phrase('Court of')}${SEP}(?:${phrase('the')}${SEP})?(?:(?:Additional|Addl\.|Principal|Chief|Special|Senior|Junior|Ld\.|Learned|ADDITIONAL|PRINCIPAL|CHIEF|SPECIAL)${SEP})*(?:${phrase('Sessions Judge')}|${phrase('District Judge')}|${phrase('District and Sessions Judge')}|${phrase('Civil Judge')}|${phrase('Judicial Magistrate')}|${phrase('Metropolitan Magistrate')})(?:${SEP}\((?:Senior|Junior)${SEP}Division\))?`,
    'g',
  ),
  // Sessions Court, Family Court, City Civil Court, Crown Court at X
  new RegExp(
    String.raw`(?<![\w])(?:${phrase('City Civil')}|${phrase('Small Causes')}|Sessions|SESSIONS|Family|FAMILY|Commercial|COMMERCIAL|Crown|CROWN|Magistrates['’]?)${SEP}${phrase('Court')}(?:${SEP}(?:at|AT)${SEP}${PLACE})?`,
    'g',
  ),
];
