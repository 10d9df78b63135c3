/** Document-level facts stored in `neo4j_documents.metadata_json`; every value carries where it was found. */

/** `[start, end)` in the cleaned text. */
export type Span = [number, number];
export type FactSource = 'rules' | 'ecf_stamp' | 'email_header' | 'llm';

export interface Located {
  /** The text as found (whitespace collapsed). */
  text: string;
  /** Where it was found in the cleaned text; null when it came from outside the body (an ECF stamp removed by cleaning). */
  span: Span | null;
  source: FactSource;
}

export interface DocketNumber extends Located {
  /** Normalised, e.g. `1:20-cv-01234`, `24-10418`, `MDL No. 2967`. */
  value: string;
  judge_initials?: string;
  /** Raw-text span, for numbers taken from ECF stamps. */
  raw_span?: Span;
  /** This docket's own case name (a multi-docket notice names each case; else the document's case name). */
  case_name?: CaseName;
}

export interface CaseName extends Located {
  value: string;
}

export type PartyRole =
  | 'plaintiff'
  | 'defendant'
  | 'appellant'
  | 'appellee'
  | 'petitioner'
  | 'respondent'
  | 'debtor'
  | 'creditor'
  | 'movant'
  | 'intervenor'
  | 'third_party'
  | string;

export interface Party extends Located {
  name: string;
  roles: PartyRole[];
}

export interface Court extends Located {
  name: string;
}

export interface Judge extends Located {
  name: string;
  title?: string;
}

export interface DateFact extends Located {
  /** ISO 8601 date (YYYY-MM-DD). */
  iso: string;
  /** What the date is, when stated: filed, entered, signed, effective, decided, argued, dated, sent, hearing. */
  what?: string;
}

export interface Amount extends Located {
  value: number;
  /** ISO 4217 code. */
  currency: string;
}

export interface Citation extends Located {
  kind: 'case' | 'statute' | 'rule' | 'regulation';
  /** Normalised citation, e.g. `200 U.S. 321`, `28 U.S.C. § 1404(a)`. */
  value: string;
}

export interface DocumentFacts {
  facts_version: number;
  docket_numbers: DocketNumber[];
  case_name: CaseName | null;
  court: Court | null;
  parties: Party[];
  judges: Judge[];
  dates: DateFact[];
  amounts: Amount[];
  citations: Citation[];
}

export const collapse = (s: string): string => s.replace(/\s+/g, ' ').trim();
