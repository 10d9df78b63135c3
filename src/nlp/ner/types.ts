/** Entity labels and mention shapes shared by the NER recognisers. */
export const ENTITY_TYPES = [
  'PERSON',
  'ORG',
  'LOCATION',
  'COURT',
  'JUDGE',
  'LAWYER',
  'DATE',
  'MONEY',
  'CASE_NUMBER',
  'STATUTE',
  'CITATION',
  'PROVISION',
  'OTHER',
] as const;

export type EntityType = (typeof ENTITY_TYPES)[number];

export function isEntityType(value: unknown): value is EntityType {
  return typeof value === 'string' && (ENTITY_TYPES as readonly string[]).includes(value);
}

/** Which recogniser produced a mention; also its rank when spans overlap (see merge.ts). */
export type MentionMethod = 'rules' | 'case-name' | 'defined-term' | 'gazetteer' | 'wink' | 'compromise' | 'llm' | 'model';

/** A party role a rule saw in the text (case caption, contract preamble), singular and lower case as the text gives it. */
export type PartyRole =
  | 'plaintiff'
  | 'defendant'
  | 'party'
  | 'debtor'
  | 'in-re'
  | 'appellant'
  | 'petitioner'
  | 'respondent'
  | 'creditor'
  | 'applicant'
  | 'appellee'
  | 'complainant'
  | 'accused'
  | 'claimant';

export interface MentionMeta {
  role?: PartyRole;
  /** LAWYER mentions: the role of the party they act for ("Advocate for Respondent Nos. 1 & 2" -> 'respondent'). */
  forRole?: PartyRole;
  /** LAWYER mentions: the named party they act for ("Attorneys for Acme Corp." -> 'Acme Corp.'). */
  forParty?: string;
  /** Defined-term mentions: the full name the term stands for, and where that name starts in the text. */
  aliasOf?: string;
  aliasOfStart?: number;
  /** The mention defines the term (`("Acme")`), rather than using it later. */
  definition?: boolean;
}

/** A recognised span of a text: `text.slice(start, end) === value`. */
export interface Mention {
  type: EntityType;
  start: number;
  end: number;
  value: string;
  confidence: number;
  method: MentionMethod;
  meta?: MentionMeta;
}

export function makeMention(
  text: string,
  type: EntityType,
  start: number,
  end: number,
  method: MentionMethod,
  confidence: number,
  meta?: MentionMeta,
): Mention | undefined {
  const trimmed = trimSpan(text, start, end);
  if (!trimmed) return undefined;
  const value = text.slice(trimmed.start, trimmed.end);
  return meta
    ? { type, start: trimmed.start, end: trimmed.end, value, confidence, method, meta }
    : { type, start: trimmed.start, end: trimmed.end, value, confidence, method };
}

/** Abbreviations whose final period belongs to the entity ("Inc.", "Esq.", "S.A."). */
const KEEP_PERIOD =
  /(?:\b(?:Inc|INC|Corp|CORP|Co|CO|Ltd|LTD|Esq|Jr|Sr|Bros|Inc|Cir|Ct|Supp|App|Ed|Rptr|Stat|Reg|No|Mr|Mrs|Ms|Dr|St|P|R|Civ|Crim|Evid|Bankr)|\b[A-Z]|\b[A-Z]\.[A-Z]|\bU\.S|\bN\.A|\bS\.A|\bL\.P|\bL\.L\.C|\bP\.C|\bN\.V|\bB\.V|\bP\.A|\bd)\.$/;

/** Shrinks a span past surrounding whitespace and punctuation that is not part of a name. */
export function trimSpan(text: string, start: number, end: number): { start: number; end: number } | undefined {
  let s = Math.max(0, start);
  let e = Math.min(text.length, end);
  for (;;) {
    const before = { s, e };
    while (s < e && /[\s,;:!?)\]}"“”'‘’([{*_\u200b-\u200d\ufeff-]/.test(text[s] ?? '')) s++;
    while (e > s && /[\s,;:!?([{"“”'‘’*_\u200b-\u200d\ufeff-]/.test(text[e - 1] ?? '')) e--;
    // a closing bracket is kept only when its opener is inside the span
    while (e > s && /[)\]]/.test(text[e - 1] ?? '') && !text.slice(s, e - 1).includes(text[e - 1] === ')' ? '(' : '[')) e--;
    while (e > s && text[e - 1] === '.' && !KEEP_PERIOD.test(text.slice(s, e))) e--;
    if (before.s === s && before.e === e) break;
  }
  return e > s ? { start: s, end: e } : undefined;
}
