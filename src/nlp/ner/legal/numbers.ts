/**
 * Case numbers, reporter citations, statutes and provisions in the forms of Indian and UK judgments:
 * "W.P. No. 1234 of 2018", "Crl.A. 512/2016", "(1978) 1 SCC 248", "AIR 1985 SC 1120",
 * "[2021] UKSC 14", "Sections 302, 307 & 34", "Order XXI Rule 4", "Indian Penal Code", "IPC".
 */
import { SEP } from '../patterns.ts';
import { phrase } from './courts.ts';

/** Words a case type is written with ("Writ Petition", "CRIMINAL APPEAL", "Special Leave Petition"). */
const TYPE_WORDS = [
  'Writ',
  'Petition',
  'Civil',
  'Criminal',
  'Appeal',
  'Application',
  'Special',
  'Leave',
  'Regular',
  'First',
  'Second',
  'Miscellaneous',
  'Company',
  'Bail',
  'Arbitration',
  'Original',
  'Suit',
  'Revision',
  'Review',
  'Contempt',
  'Transfer',
  'Execution',
  'Letters',
  'Patent',
  'Income',
  'Tax',
  'Reference',
  'Complaint',
  'Commercial',
  'Misc',
  'Case',
  'Cases',
  'Matrimonial',
  'Election',
  'Habeas',
  'Corpus',
  'Interlocutory',
];
const TYPE_WORD = String.raw`(?:${TYPE_WORDS.flatMap((w) => [w, w.toUpperCase()]).join('|')})(?![\w])`;
/** An abbreviated case type: "W.P.", "Crl.A.", "MAC.APP.", "CRM-M", "SLP", "CM", "O.A.", "CS(OS)". */
const TYPE_ABBR = String.raw`(?:[A-Z][A-Za-z]{0,4}\.(?:[A-Z][A-Za-z]{0,4}\.?)*|(?!(?:IN|THE|OF|AND|AT|ON|FOR|BY|TO|NEW)\b)[A-Z]{2,4}(?:-[A-Z]{1,3})?(?![\w.]))`;
const QUALIFIER = String.raw`\((?:[A-Za-z]{1,12}\.?(?:[ ][A-Za-z]{1,12}\.?)?)\)`;
const TYPE_TOKEN = String.raw`(?:${TYPE_WORD}|${TYPE_ABBR}|${QUALIFIER})`;
const NUM = String.raw`\d{1,6}(?:[ ]?[-–][ ]?\d{1,6})?`;
const NUMS = String.raw`${NUM}(?:(?:[ ]?,[ ]?|[ ](?:and|&)[ ])${NUM}){0,4}`;
const YEAR = String.raw`(?:19|20)\d\d`;
const ACT_YEAR = String.raw`(?:1[6-9]|20)\d\d`;
const NO = String.raw`(?:No|Nos|NO|NOS)\.?[ \t]?:?`;

/** Case numbers with their type prefix; a list "A & CM Nos. 2/2017" gives one case number per item. */
export const COMMON_LAW_CASE_RES: RegExp[] = [
  // Civil Appeal No. 45 of 2020, W.P.(C) No. 7781/2020, SLP (Crl.) No. 4410 of 2019, Civil Appeal Nos. 3120-3121 of 2021
  new RegExp(
    String.raw`(?<![\w.])${TYPE_TOKEN}(?:[ \t]?${TYPE_TOKEN}){0,4}[ \t]?${NO}[ \t]?${NUMS}[ \t]?(?:of|OF|/)[ \t]?${YEAR}(?![\d])`,
    'g',
  ),
  // Crl.A. 512/2016, MAC.APP. 101/2017, CS(OS) 123/2015
  new RegExp(String.raw`(?<![\w.])${TYPE_ABBR}(?:[ \t]?${TYPE_TOKEN}){0,2}[ \t]?${NUM}/${YEAR}(?![\d])`, 'g'),
  // Illinois-style appellate numbers: 1-22-40123
  /(?<![\w-])\d-\d{2}-\d{4,5}(?![\w-])/g,
];

/** Indian and UK reporter and neutral citations. */
export const COMMON_LAW_CITATION_RES: RegExp[] = [
  /\(\d{4}\)\s?\d{1,3}\s(?:SCC|SCR|SCALE|Scale|SCC \(Cri\)|CriLJ|Cri\.?\s?L\.?J\.|MLJ|ALD|KLT|BomCR|DLT|CTC)\s\d{1,5}/g,
  /\b(?:AIR|A\.I\.R\.)\s\d{4}\s(?:SC|[A-Z][a-z]{1,5}\.?|[A-Z]{2,4})\s\d{1,5}/g,
  /\b\d{4}\sSCC\sOn[Ll]ine\s[A-Z][A-Za-z]{1,6}\.?\s\d{1,6}/g,
  /\b(?:ILR|I\.L\.R\.)\s\d{4}\s[A-Z][A-Za-z]{1,6}\.?\s\d{1,6}/g,
  /\[\d{4}\]\s(?:\d{1,2}\s)?(?:UKSC|UKHL|UKPC|UKUT|UKFTT|EWCA\s(?:Civ|Crim)|EWHC|EWFC|EWCOP|AC|QB|KB|Ch|Fam|WLR|All\sER|Lloyd's\sRep|NZSC|HCA|SCC|SGCA|SGHC)\s\d{1,5}(?:\s\((?:Ch|QB|KB|Fam|Admin|Comm|TCC|Pat|IPEC|Costs)\))?/g,
];

const ROMAN = String.raw`[IVXL]{1,7}`;
const SUB = String.raw`(?:\([\w]{1,5}\))*`;
const SEC = String.raw`\d{1,4}[A-Z]{0,2}${SUB}`;
const SECS = String.raw`${SEC}(?:(?:[ ]?(?:,|/)[ ]?|[ ](?:and|&|or|to|read with)[ ])${SEC}(?![\w.]|\s+(?:of|OF)\s+(?:19|20)\d\d|\s+[A-Z]\.)){0,6}`;

/** Sections, articles, order-rules of statutes ("Sections 302, 307 & 34", "Article 21", "Order XXI Rule 4"). */
export const COMMON_LAW_PROVISION_RES: RegExp[] = [
  new RegExp(
    String.raw`(?:\b(?:Sections?|SECTIONS?|Secs?\.|Articles?|ARTICLES?|Arts?\.)|(?<![\w/])[uU]\/[sS]{1,2}\.?)[ \t]+${SECS}(?:[ ](?:Part|PART)[ ]${ROMAN}(?![\w]))?(?![\w])`,
    'g',
  ),
  new RegExp(String.raw`\b(?:Order|ORDER|O\.)[ \t]?${ROMAN}[ ,]{1,2}(?:Rules?|RULES?|R\.|r\.)[ \t]?${SECS}`, 'g'),
];

/** Codes and acts by name ("Indian Penal Code", "Code of Criminal Procedure, 1973", "Constitution of India") and abbreviation ("IPC", "Cr.P.C."). */
export const COMMON_LAW_STATUTE_RES: RegExp[] = [
  new RegExp(
    String.raw`\b(?:(?:[A-Z][a-z]+${SEP}(?:(?:and|of)${SEP})?){1,4}Code|Code${SEP}of${SEP}(?:Criminal|Civil)${SEP}Procedure)(?:,?${SEP}${ACT_YEAR})?(?![\w])`,
    'g',
  ),
  new RegExp(
    String.raw`\b(?:[A-Z][a-z]+|[A-Z]{2,})(?:${SEP}(?:(?:of|and|with|for|the)${SEP})?(?:[A-Z][a-z]+|[A-Z]{2,})){0,7}${SEP}Act(?:,?${SEP}${ACT_YEAR})(?![\w])`,
    'g',
  ),
  new RegExp(String.raw`(?<![\w.])(?:${phrase('Constitution of India')}|Constitution|CONSTITUTION)(?![\w])`, 'g'),
  /(?<![\w.])(?:IPC|I\.P\.C\.|Cr\.\s?P\.\s?C\.|Cr\.?PC|CrPC|CPC|C\.P\.C\.|NDPS|IBC|CGST)(?![\w])/g,
];

/** Indian amounts: "Rs. 8,40,000", "INR 5 lakh", "₹ 2.5 crore". */
export const COMMON_LAW_MONEY_RES: RegExp[] = [
  /(?:\bRs\.?|\bINR|₹)[ \t]?\d[\d,]*(?:\.\d+)?(?:[ \t](?:lakhs?|lacs?|crores?|Lakhs?|Crores?)\b)?(?:\/-)?/g,
];

const MONTH_UP = String.raw`(?:JANUARY|FEBRUARY|MARCH|APRIL|MAY|JUNE|JULY|AUGUST|SEPTEMBER|OCTOBER|NOVEMBER|DECEMBER)`;
/** Dates as Indian judgments write them: "03.08.2016", "23RD DAY OF MARCH, 2021". */
export const COMMON_LAW_DATE_RES: RegExp[] = [
  /(?<![\w.])(?:0?[1-9]|[12]\d|3[01])\.(?:0?[1-9]|1[0-2])\.(?:19|20)\d\d(?!\w|\.\d)/g,
  new RegExp(String.raw`\b\d{1,2}(?:ST|ND|RD|TH)?[ \t]+(?:DAY[ \t]+OF[ \t]+)?${MONTH_UP},?[ \t]+\d{4}\b`, 'g'),
];
