/**
 * A case name for each docket number. A CM/ECF notice lists one "Case Name: … Case Number: …"
 * pair per docket it was sent to (an adversary proceeding and its lead bankruptcy case, jointly
 * administered cases, a notice filed in several cases); each number gets the name of its own
 * pair. A docket without a pair gets the name the document states for it: "Lead BK Title:", the
 * debtor of a lead bankruptcy case, the caption of jointly administered cases, else the document's
 * case name. Pure.
 */
import { normalizeDocket } from './dockets.ts';
import { collapse, type CaseName, type DocketNumber } from './types.ts';

export interface NefPair {
  name: CaseName;
  /** Normalised docket number of the pair, when its "Case Number:" field could be read. */
  docket?: string;
}

const NAME_END =
  /\s*(?:Case\s*Number:|Case\s*No\.:|Filer:|Document\s*Number:|Docket\s*Text:|WARNING:|\[https?:|<https?:|https?:\/\/|\n[ \t]*\n[ \t]*\n)/;
const NUMBER_AFTER =
  /Case\s*(?:Number|No\.):?\s*(?:[A-Z]{2,4}\/)?(\d{1,2}:\d{2}-[A-Za-z]{1,4}-\d{1,6}(?:-[A-Za-z]{1,5})*|\d{1,2}-\d{2}-\d{3,6}(?:-[A-Za-z]{2,5}\d{0,2})?|\d{2}-\d{3,6}(?:-[A-Za-z]{2,5}\d{0,2})?|MDL\s+No\.?\s*\d+|[A-Z]{1,3}\d{4,})/y;

/** The notice's "Case Name:" fields, each with the case number that follows it (or precedes it). */
export function nefPairs(text: string): NefPair[] {
  const out: NefPair[] = [];
  for (const m of text.matchAll(/Case Name:[ \t]*(?:\r?\n[ \t]*)?/g)) {
    const lead = /^\s*/.exec(text.slice(m.index + m[0].length, m.index + m[0].length + 40))![0].length;
    const from = m.index + m[0].length + lead;
    const rest = text.slice(from, from + 240);
    const end = NAME_END.exec(rest);
    const raw = (end ? rest.slice(0, end.index) : (rest.split('\n')[0] ?? '')).trimEnd();
    const value = collapse(raw);
    if (value.length < 2) continue;
    const name: CaseName = { value, text: value, span: [from, from + raw.length], source: 'rules' };
    const after = end && /^\s*Case\s*(?:Number|No\.)/.test(end[0]) ? from + end.index : -1;
    out.push({ name, ...numberAt(text, after, m.index) });
  }
  return out;
}

/** The case number of a pair: the "Case Number:" right after the name, else the one just before "Case Name:". */
function numberAt(text: string, after: number, nameLabel: number): { docket?: string } {
  const read = (at: number): string | undefined => {
    const at2 = text.slice(at).search(/\S/);
    NUMBER_AFTER.lastIndex = at + Math.max(0, at2);
    return NUMBER_AFTER.exec(text)?.[1];
  };
  let raw = after >= 0 ? read(after) : undefined;
  if (!raw) {
    const before = text.slice(Math.max(0, nameLabel - 160), nameLabel);
    const m = /Case\s*(?:Number|No\.):?\s*\S+\s*$/.exec(before);
    if (m) raw = read(nameLabel - before.length + m.index);
  }
  return raw ? { docket: normalizeDocket(raw).value } : {};
}

const LEAD_TITLE = /\bLead\s+(?:BK|Bankruptcy)\s+Title:[ \t]*([^\n]{2,160}?)(?=\s+Lead\s+(?:BK|Bankruptcy)\s+Chapter\b|\s*\n|$)/i;
const DEBTOR = /^[ \t]*(?:Debtor(?:\(s\)|s)?|Debtor\s+1):[ \t]*([^\n]{2,160})$/im;
const IN_RE = /\bIn re:?\s+([A-Z][^\n]{1,160}?)(?:,?\s+(?:Debtors?|et al\.?)\b[^\n]*)?\s*$/im;

/** The name of a lead bankruptcy case: its stated title, the debtor line, or the "In re" caption. */
function leadCaseName(text: string): CaseName | null {
  for (const re of [LEAD_TITLE, DEBTOR, IN_RE]) {
    const m = re.exec(text);
    if (!m) continue;
    const raw = m[1]!.replace(/[.,;]\s*$/, '').trimEnd();
    const value = collapse(raw);
    if (value.length < 2) continue;
    const start = m.index + m[0].indexOf(m[1]!);
    return { value, text: value, span: [start, start + raw.length], source: 'rules' };
  }
  return null;
}

/** Each docket number with its own case name (dockets are returned as new objects). */
export function caseNamesPerDocket(
  text: string,
  dockets: readonly DocketNumber[],
  pairs: readonly NefPair[],
  documentName: CaseName | null,
): DocketNumber[] {
  if (dockets.length === 0) return [];
  const byDocket = new Map<string, CaseName>();
  for (const p of pairs) if (p.docket && !byDocket.has(p.docket)) byDocket.set(p.docket, p.name);
  const lead = dockets.length > 1 ? leadCaseName(text) : null;
  return dockets.map((d) => {
    const own = byDocket.get(d.value) ?? (d.judge_initials ? byDocket.get(`${d.value}-${d.judge_initials}`) : undefined);
    if (own) return { ...d, case_name: own };
    if (lead && isLeadCase(text, d)) return { ...d, case_name: lead };
    return documentName ? { ...d, case_name: documentName } : { ...d };
  });
}

/** A docket the text calls the lead (bankruptcy) case, or one of several jointly administered cases. */
function isLeadCase(text: string, d: DocketNumber): boolean {
  const at = d.span ? d.span[0] : -1;
  if (at < 0) return false;
  const before = text.slice(Math.max(0, at - 80), at);
  return /\b(?:Lead\s+(?:BK|Bankruptcy)\s+Case|Lead\s+Case|Bankruptcy\s+Case|Main\s+Case|Jointly\s+Administered[^\n]{0,40}?)\s*(?:No\.?|Number|#)?\s*:?\s*$/i.test(
    before,
  );
}
