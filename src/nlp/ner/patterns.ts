/** Regular-expression building blocks of the legal rules (names, organisations, courts). */
import { alternation, MONTHS, ORG_HEAD_WORDS, ORG_SUFFIXES, REPORTERS, US_STATES, withUpper } from './gazetteers.ts';

/** Between the words of one name: spaces, or one line break (names wrap in e-mails and PDFs). */
export const SEP = String.raw`(?:[ \t\u00a0]+|[ \t\u00a0]*\r?\n[ \t\u00a0]*)`;
/** A capitalised word of a name: "Acme", "ACME", "I-many", "O'Neil", "AT&T", "CombinatoRx", "U.S.". */
export const NAME_WORD = String.raw`(?:[A-Z][A-Za-z0-9&'’.\-]*[A-Za-z0-9.]|[A-Z]\.?|&)`;
const CONNECTOR = String.raw`(?:of|and|for|the|de|du|la|del|von|van|on|OF|AND|FOR|THE|DE|&)`;
const ORG_SUFFIX = alternation(withUpper(ORG_SUFFIXES));
const ORG_HEAD = alternation(withUpper(ORG_HEAD_WORDS));

/** An organisation ending in a legal form ("Acme Holdings, Inc.") or a head word ("Fifth Third Bank"). */
export const ORG_RE = new RegExp(
  String.raw`(?<![\w&])(${NAME_WORD}(?:${SEP}(?:${CONNECTOR}${SEP})?${NAME_WORD}){0,7}?(?:,?${SEP}(?:${ORG_SUFFIX}))(?:,?${SEP}(?:${ORG_SUFFIX}))?)(?![\w&])`,
  'g',
);

/** An organisation ending in a head word ("Fifth Third Bank", "Bank of America, N.A."). */
export const ORG_HEAD_RE = new RegExp(
  String.raw`(?<![\w&])(${NAME_WORD}(?:${SEP}(?:${CONNECTOR}${SEP})?${NAME_WORD}){0,7}?(?:${SEP}(?:${ORG_HEAD})(?:${SEP}(?:of|OF)${SEP}${NAME_WORD}(?:${SEP}${NAME_WORD}){0,2}?(?=[\s,.;:)]))?(?:,?${SEP}(?:${ORG_SUFFIX}))?))(?![\w&])`,
  'g',
);

/** An organisation starting with a head word ("Bank of America, N.A.", "Department of Justice"). */
export const ORG_HEAD_OF_RE = new RegExp(
  String.raw`(?<![\w&])((?:${ORG_HEAD})${SEP}(?:of|OF)${SEP}(?:(?:the|THE)${SEP})?${NAME_WORD}(?:${SEP}${NAME_WORD}){0,2}(?:,?${SEP}(?:${ORG_SUFFIX}))?)(?![\w&])`,
  'g',
);

const STATE = alternation(withUpper(US_STATES));
const DIRECTION = String.raw`(?:Northern|Southern|Eastern|Western|Middle|Central|NORTHERN|SOUTHERN|EASTERN|WESTERN|MIDDLE|CENTRAL)`;
const CIRCUIT = String.raw`(?:First|Second|Third|Fourth|Fifth|Sixth|Seventh|Eighth|Ninth|Tenth|Eleventh|Federal|D\.C\.|1st|2d|2nd|3d|3rd|[4-9]th|10th|11th)`;

/** Courts by name ("United States District Court for the Middle District of Florida", "Ninth Circuit", "D. Colo."). */
export const COURT_RES: RegExp[] = [
  new RegExp(
    String.raw`\b(?:United States|UNITED STATES|U\.S\.)${SEP}(?:District|DISTRICT|Bankruptcy|BANKRUPTCY)${SEP}(?:Court|COURT)(?:${SEP}(?:for|FOR)${SEP}(?:the|THE)${SEP}(?:${DIRECTION}${SEP})?(?:District|DISTRICT)${SEP}(?:of|OF)${SEP}(?:${STATE}))?`,
    'g',
  ),
  new RegExp(
    String.raw`\b(?:(?:United States|UNITED STATES)${SEP})?(?:Court|COURT)${SEP}(?:of|OF)${SEP}(?:Appeals|APPEALS)(?:${SEP}(?:for|FOR)${SEP}(?:the|THE)${SEP}(?:${CIRCUIT}${SEP}(?:Circuit|CIRCUIT)|District of Columbia Circuit)|${SEP}(?:of|OF)${SEP}(?:${STATE}))?`,
    'g',
  ),
  new RegExp(String.raw`\b(?:${STATE})${SEP}(?:Court|COURT)${SEP}(?:of|OF)${SEP}(?:Appeals|APPEALS)`, 'g'),
  new RegExp(
    String.raw`\b(?:Supreme|SUPREME)${SEP}(?:Court|COURT)${SEP}(?:of|OF)${SEP}(?:the${SEP}United${SEP}States|THE${SEP}UNITED${SEP}STATES|${STATE})`,
    'g',
  ),
  new RegExp(String.raw`\b(?:United States|UNITED STATES|U\.S\.|${STATE})${SEP}(?:Supreme|SUPREME)${SEP}(?:Court|COURT)`, 'g'),
  new RegExp(String.raw`\b(?:${DIRECTION}${SEP})?(?:District|DISTRICT)${SEP}(?:of|OF)${SEP}(?:${STATE})\b`, 'g'),
  new RegExp(String.raw`\b(?:${STATE})${SEP}(?:${DIRECTION}${SEP})?(?:District|DISTRICT)\b`, 'g'),
  new RegExp(String.raw`\b(?:U\.S\.${SEP})?(?:Bankruptcy|BANKRUPTCY)${SEP}(?:Court|COURT)\b`, 'g'),
  new RegExp(String.raw`\b(?:U\.S\.${SEP})?(?:District|DISTRICT)${SEP}(?:Court|COURT)\b`, 'g'),
  new RegExp(String.raw`\bJudicial${SEP}Panel${SEP}on${SEP}Multidistrict${SEP}Litigation\b`, 'g'),
  new RegExp(
    String.raw`\b(?:United States${SEP})?(?:Tax${SEP}Court|Court${SEP}of${SEP}Federal${SEP}Claims|Court${SEP}of${SEP}International${SEP}Trade)\b`,
    'g',
  ),
  new RegExp(String.raw`\b(?:[A-Z][a-z]+${SEP}){1,2}(?:Superior|Circuit|County|Chancery|Family|Probate|Municipal)${SEP}Court\b`, 'g'),
  new RegExp(String.raw`\b(?:Workers[’']?${SEP}Compensation${SEP}Appeals${SEP}Board|Discharge${SEP}Review${SEP}Board)\b`, 'g'),
  new RegExp(String.raw`(?<![\w.])${CIRCUIT}${SEP}Cir\.`, 'g'),
  new RegExp(
    String.raw`\b(?:First|Second|Third|Fourth|Fifth|Sixth|Seventh|Eighth|Ninth|Tenth|Eleventh|Federal|D\.C\.)${SEP}Circuit\b`,
    'g',
  ),
  new RegExp(
    String.raw`\b(?:${STATE})${SEP}(?:Court${SEP}of${SEP}Chancery|Chancery${SEP}Court|Superior${SEP}Court|Court${SEP}of${SEP}Criminal${SEP}Appeals)\b`,
    'g',
  ),
  new RegExp(String.raw`\bCourt${SEP}of${SEP}Chancery(?:${SEP}of${SEP}the${SEP}State${SEP}of${SEP}(?:${STATE}))?`, 'g'),
  new RegExp(
    String.raw`(?<![\w.])(?:[NSEWCM]\.${SEP}?)?D\.${SEP}?(?:N\.Y\.|N\.J\.|D\.C\.|Cal\.|Colo\.|Del\.|Mass\.|Conn\.|Md\.|Minn\.|Ariz\.|Nev\.|Tex\.|Fla\.|Ala\.|Ga\.|Ill\.|Pa\.|Va\.|Ohio|Utah|Kan\.|Or\.|Me\.|Mich\.|Wash\.)`,
    'g',
  ),
];

const PERSON_WORD = String.raw`(?:[A-Z][a-zA-Z'’\-]+|[A-Z]\.)`;
/** A person's name: two to four capitalised words or initials ("Kathryn Kimball Mizelle", "Patrick M. Njeim"). */
const PERSON_NAME = String.raw`${PERSON_WORD}(?:[ \t\u00a0]+${PERSON_WORD}){0,3}`;

export const JUDGE_RES: RegExp[] = [
  new RegExp(
    String.raw`\b(?:(?:Chief|Senior|Magistrate|District|Bankruptcy|Circuit|Associate|U\.S\.|United States|CHIEF|MAGISTRATE|DISTRICT|BANKRUPTCY)[ \t\u00a0]+)*(?:Judge|Justice|JUDGE|JUSTICE)[ \t\u00a0]+(${PERSON_NAME})`,
    'g',
  ),
  new RegExp(String.raw`\b(?:Hon\.|Honorable|HONORABLE|The Honorable)[ \t\u00a0]+(${PERSON_NAME})`, 'g'),
  new RegExp(
    String.raw`\b(${PERSON_NAME}),[ \t\u00a0]+(?:Chief[ \t\u00a0]+)?(?:C\.J\.|J\.|U\.S\.D\.J\.|U\.S\.M\.J\.|U\.S\.B\.J\.|(?:United States[ \t\u00a0]+)?(?:District|Magistrate|Circuit|Bankruptcy)[ \t\u00a0]+Judge)(?![\w])`,
    'g',
  ),
];

export const LAWYER_RES: RegExp[] = [
  new RegExp(String.raw`\b(${PERSON_NAME}),?[ \t\u00a0]+Esq\.?`, 'g'),
  new RegExp(String.raw`(?:^|\n)[ \t\u00a0]*(${PERSON_NAME})[ \t\u00a0]{2,}[\w.+\-]+@[\w.\-]+`, 'g'),
  new RegExp(String.raw`\b(?:Attorney|Atty\.|Counsel)[ \t\u00a0]+(${PERSON_NAME})`, 'g'),
];

export const CASE_NUMBER_RES: RegExp[] = [
  /\b\d{1,2}:\d{2}-(?:cv|cr|bk|mc|md|ap|mj|po|sw|ml|CV|CR|BK|MC|MD|AP|MJ)-\d{2,6}(?:-[A-Z]{2,4}){0,3}\b/g,
  /\b\d{2}-(?:bk|cv|cr|ap|BK|CV|CR|AP)-?\d{3,6}(?:-[A-Z]{2,4}){0,2}\b/g,
  /\b\d{2}-\d{5}(?:-[A-Z]{2,4})\b/g,
  /\bMDL\s+No\.\s*\d{2,5}\b/g,
  /(?:Case|CASE|Docket|DOCKET|Appeal|Cause|Civil Action|CIVIL ACTION)\s*(?:No\.?|NO\.?|Number|Nos\.)\s*:?\s*([A-Z0-9][\w:./-]*\d[\w:-]*)/g,
  /\bNo\.\s+(\d{1,4}-\d{2,6}(?:-[A-Z]{2,4})?)\b/g,
];

const REPORTER = alternation(REPORTERS);
/** Reporter citations ("572 U.S. 614", "133 S. Ct. 2120, 2125 (2013)", "2021 WL 123456"). */
export const CITATION_RES: RegExp[] = [
  new RegExp(
    String.raw`\b\d{1,4}\s+(?:${REPORTER})\s+\d{1,7}(?:,\s*\d{1,6}(?:[-–]\d{1,6})?)?(?:\s+\((?:[A-Z][\w.’' ]{0,30}\s)?\d{4}\))?`,
    'g',
  ),
];

/** Statutes, codes and rules ("42 U.S.C. § 1983", "Fed. R. Civ. P. 12(b)(6)", "Section 409A of the Internal Revenue Code"). */
export const STATUTE_RES: RegExp[] = [
  /\b\d{1,3}\s+U\.?\s?S\.?\s?C\.?\s?(?:A\.?)?\s*(?:§§?|�|[Ss]ec(?:tion|\.)|[Ss]ections)\s*\d+[\w.-]*(?:\([\w]+\))*(?:\s*(?:,|-|–|and|or)\s*(?:§\s*)?\d+[a-z]?(?:\([\w]+\))*(?![\d,]*\s+[A-Z]))*/g,
  /\b\d{1,3}\s+C\.?\s?F\.?\s?R\.?\s*(?:§§?|Part|pt\.)?\s*\d+(?:\.\d+)*(?:\([\w]+\))*/g,
  /\bFed\.\s?R\.\s?(?:(?:Civ|Crim|App|Bankr)\.\s?P\.|Evid\.)\s*\d+(?:\.\d+)?(?:\([\w]+\))*/g,
  /\b(?:Internal\s+Revenue|Bankruptcy|Uniform\s+Commercial|Social\s+Security)\s+Code\b/g,
  new RegExp(
    String.raw`\b(?:[A-Z][a-z]+|[A-Z]{2,})(?:\s+(?:(?:of|and|with|for|the)\s+)?(?:[A-Z][a-z]+|[A-Z]{2,})){0,7}\s+Act(?:\s+of\s+\d{4})?\b`,
    'g',
  ),
  /§\s?\d+(?:[A-Za-z])?(?:-\d+)?(?:\([\w]+\))*(?![\d.])/g,
];

/** References to parts of a document ("Section 5.2(a)", "Article IV", "Exhibit B", "§ 3.1"). */
export const PROVISION_RES: RegExp[] = [
  /\b(?:Section|Sections|SECTION|Sec\.|Article|ARTICLE|Art\.|Paragraph|Para\.|Clause|Schedule|SCHEDULE|Exhibit|EXHIBIT|Annex|Appendix|Rule)\s+(?:\d+(?:\.\d+)*[A-Za-z]?|[IVXL]+\b|[A-Z]\b)(?:\([\w]+\))*/g,
  /§\s?\d+\.\d+(?:\.\d+)*(?:\([\w]+\))*/g,
];

const MONTH = alternation(MONTHS);
export const DATE_RES: RegExp[] = [
  new RegExp(String.raw`\b(?:${MONTH})\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}\b`, 'g'),
  new RegExp(String.raw`\b\d{1,2}(?:st|nd|rd|th)?\s+(?:day\s+of\s+)?(?:${MONTH}),?\s+\d{4}\b`, 'g'),
  new RegExp(String.raw`\b(?:${MONTH})\s+\d{4}\b`, 'g'),
  /\b\d{1,2}\/\d{1,2}\/(?:\d{4}|\d{2})\b/g,
  /\b\d{4}-\d{2}-\d{2}\b/g,
];

export const MONEY_RES: RegExp[] = [
  /(?:US\$|U\.S\.\s?\$|\$|€|£)\s?\d[\d,]*(?:\.\d+)?(?:\s?(?:million|billion|thousand|Million|Billion))?/g,
  /\b(?:USD|US\s?Dollars|CHF|EUR|GBP)\s?\d[\d,’']*(?:\.\d+)?(?:\s?(?:million|billion))?/g,
  /\b\d[\d,]*(?:\.\d+)?\s+(?:dollars|Dollars|DOLLARS|U\.S\. dollars)\b/g,
];
