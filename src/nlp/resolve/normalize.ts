/** Per-type normalisation of entity names: the key canonical entities are unique on. */

const HONORIFICS =
  /^(?:mr|mrs|ms|miss|dr|prof|hon|honorable|the honorable|judge|justice|chief judge|magistrate judge|district judge|senior judge|sir|madam|attorney|atty|counsel)\.?\s+/i;
const PERSON_SUFFIX = /,?\s+(?:esq|esquire|jr|sr|ii|iii|iv|j|c\.j|u\.s\.d\.j|u\.s\.m\.j|phd|md)\.?$/i;

/** Legal forms mapped to one spelling ("Incorporated" → "inc"). */
const LEGAL_FORMS: Array<[RegExp, string]> = [
  [/\b(?:incorporated|inc)\b\.?/g, 'inc'],
  [/\b(?:corporation|corp)\b\.?/g, 'corp'],
  [/\b(?:company|co)\b\.?/g, 'co'],
  [/\b(?:limited|ltd)\b\.?/g, 'ltd'],
  [/\bl\.\s?l\.\s?c\b\.?|\bllc\b/g, 'llc'],
  [/\bl\.\s?l\.\s?p\b\.?|\bllp\b/g, 'llp'],
  [/\bl\.\s?p\b\.?/g, 'lp'],
  [/\bn\.\s?a\b\.?/g, 'na'],
  [/\bs\.\s?a\b\.?/g, 'sa'],
  [/\bp\.\s?c\b\.?/g, 'pc'],
  [/\bn\.\s?v\b\.?/g, 'nv'],
];
export const LEGAL_FORM_TOKENS = new Set([
  'inc',
  'corp',
  'co',
  'ltd',
  'llc',
  'llp',
  'lp',
  'na',
  'sa',
  'pc',
  'nv',
  'plc',
  'ag',
  'gmbh',
  'pa',
  'pllc',
  'bv',
]);

function basic(value: string): string {
  return value.normalize('NFKC').replace(/[’‘`]/g, "'").replace(/[“”]/g, '"').replace(/\s+/g, ' ').trim();
}

function words(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/'s\b/g, '')
    .replace(/[^\p{L}\p{N}&\s]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function normalizePerson(value: string): string {
  let v = basic(value);
  for (let i = 0; i < 3; i++) v = v.replace(HONORIFICS, '').replace(PERSON_SUFFIX, '');
  // "Geisler, Kimberly" → "Kimberly Geisler"
  const inverted = /^([A-Z][\w'-]+),\s+([A-Z][\w.'\s-]+)$/.exec(v);
  if (inverted) v = `${inverted[2]} ${inverted[1]}`;
  return words(v.replace(/\./g, ' '));
}

function normalizeOrg(value: string): string {
  let v = basic(value)
    .toLowerCase()
    .replace(/^the\s+/, '');
  for (const [re, to] of LEGAL_FORMS) v = v.replace(re, to);
  return words(v.replace(/\band\b/g, '&')).replace(/\s*&\s*/g, ' & ');
}

function normalizeGeneric(value: string): string {
  return basic(value)
    .toLowerCase()
    .replace(/\s*([,.;:()§])\s*/g, '$1 ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The normalised name of a mention of a given type. */
export function normalizeName(type: string, value: string): string {
  switch (type) {
    case 'PERSON':
    case 'JUDGE':
    case 'LAWYER':
      return normalizePerson(value) || normalizeGeneric(value);
    case 'ORG':
    case 'COURT':
    case 'LOCATION':
    case 'OTHER':
      return normalizeOrg(value) || normalizeGeneric(value);
    case 'CASE_NUMBER':
      return basic(value).toLowerCase().replace(/\s+/g, '');
    default:
      return normalizeGeneric(value);
  }
}
