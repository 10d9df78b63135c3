/**
 * Docket (case) numbers: federal district/bankruptcy `O:YY-tt-NNNNN[-JJJ]`, labelled appellate,
 * bankruptcy and state numbers (`No. 20-1507`, `Case Number:24-10418-CTG`, `No. ED108783`),
 * bankruptcy numbers without a case-type code (`Case Number: 24-01234-jal`, `1-22-40123-ess`,
 * the `23-30111 Notice will be electronically mailed to:` line of a notice), `MDL No. 2967`,
 * and the case numbers of ECF stamps.
 */
import type { EcfStamp } from '../clean/ecf.ts';
import { collapse, type DocketNumber, type Span } from './types.ts';

const DISTRICT = /\b(\d{1,2}):(\d{2})-([a-zA-Z]{1,4})-(\d{1,6})((?:-[A-Za-z]{1,5}x?)*)(?![\w:])/g;
const SHORT_CIVIL = /(?<![\d:])\b(\d{2})-(cv|cr|bk|mc|ap|mj)-(\d{1,6})\b/gi;
const MDL = /\bMDL\s+No\.?\s*(\d{2,5})\b/g;
// the value may sit on the next line (an HTML table cell of a notice: "Case Number:" | "24-01234")
const LABEL =
  /(?:\bCase\s*(?:Nos\.|No\.?|Number|#)\s*:?|\bCase:|\bLead (?:BK |Bankruptcy )?Case(?:\s*(?:No\.?|Number|#))?\s*:?|\bDocket\s*(?:No\.?|#|Number)\s*:?|\bCivil Action No\.?|\bAdversary (?:case|Proceeding No\.?)|\bAdv\.\s*(?:Proc\.|Pro\.)\s*(?:No\.?|#)?\s*:?|\bAppellate Case:|\bNos?\.)[ \t]*(?:\r?\n[ \t]*){0,2}/gi;
// bankruptcy numbers carry the judge's initials in either case, sometimes with the chapter ("24-10418-CTG", "23-30111-sgj13")
const LABELLED_VALUE =
  /^(?:\d{1,2}-\d{2}-\d{3,6}(?:-[A-Za-z]{2,5}\d{0,2})?|\d{2}-\d{3,6}(?:-[A-Za-z]{2,5}\d{0,2})?|[A-Z]{1,3}\d{4,}|\d{2,4}-[A-Z]{1,3}\d{3,}|\d{2,4}[A-Z]{1,3}\d{3,})(?![\w-])/;
/** Office-year-number without a type code (E.D.N.Y., D.N.J. bankruptcy): "1-22-40123", "8-23-71234-ast". */
const OFFICE_YEAR = /(?<![\w.:/-])(\d)-(\d{2})-(\d{5})(?:-[A-Za-z]{2,5}\d{0,2})?(?![\w-])/g;
/** The notice's addressee line starts with the case number: "23-30111 Notice will be electronically mailed to:". */
const NOTICE_LINE =
  /^[ \t]*(\d{1,2}-\d{2}-\d{3,6}(?:-[A-Za-z]{2,5}\d{0,2})?|\d{2}-\d{3,6}(?:-[A-Za-z]{2,5}\d{0,2})?)[ \t]+Notice (?:will|has been|will not|was)\b/gm;

/** Normalises a docket number; returns the judge initials it carried, if any. */
export function normalizeDocket(text: string): { value: string; judge_initials?: string } {
  const t = collapse(text).replace(/[\u2010-\u2015]/g, '-');
  const d = /^(\d{1,2}):(\d{2})-([a-zA-Z]{1,4})-(\d{1,6})((?:-[A-Za-z]{1,5})*)$/.exec(t);
  if (d) {
    const judges = d[5] ? d[5].slice(1) : '';
    return { value: `${d[1]}:${d[2]}-${d[3]!.toLowerCase()}-${d[4]!.padStart(5, '0')}`, ...(judges ? { judge_initials: judges } : {}) };
  }
  const s = /^(\d{2})-(cv|cr|bk|mc|ap|mj)-(\d{1,6})$/i.exec(t);
  if (s) return { value: `${s[1]}-${s[2]!.toLowerCase()}-${s[3]!.padStart(5, '0')}` };
  const b = /^(\d{1,2}-\d{2}-\d{3,6}|\d{2}-\d{3,6})-([A-Za-z]{2,5})\d{0,2}$/.exec(t);
  if (b) return { value: b[1]!, judge_initials: b[2]! };
  const m = /^MDL\s+No\.?\s*(\d+)$/i.exec(t);
  if (m) return { value: `MDL No. ${m[1]}` };
  return { value: t.toUpperCase() };
}

export function extractDockets(text: string, stamps: readonly EcfStamp[] = []): DocketNumber[] {
  const found: DocketNumber[] = [];
  const taken: Span[] = [];
  const overlaps = (s: Span): boolean => taken.some(([a, b]) => s[0] < b && a < s[1]);
  const push = (raw: string, start: number): void => {
    const span: Span = [start, start + raw.length];
    if (overlaps(span)) return;
    taken.push(span);
    found.push({ ...normalizeDocket(raw), text: raw, span, source: 'rules' });
  };

  for (const m of text.matchAll(DISTRICT)) push(m[0], m.index);
  for (const m of text.matchAll(MDL)) push(m[0], m.index);
  for (const m of text.matchAll(SHORT_CIVIL)) push(m[0], m.index);
  for (const m of text.matchAll(OFFICE_YEAR)) push(m[0], m.index);
  for (const m of text.matchAll(NOTICE_LINE)) push(m[1]!, m.index + m[0].indexOf(m[1]!));
  for (const m of text.matchAll(LABEL)) {
    // a label may introduce a list: "Case Nos. 20-55436, 20-55662"
    let at = m.index + m[0].length;
    for (let i = 0; i < 6; i++) {
      const v = LABELLED_VALUE.exec(text.slice(at, at + 40));
      if (!v) break;
      push(v[0], at);
      const sep = /^(?:\s*(?:,|and|&)\s*)/.exec(text.slice(at + v[0].length, at + v[0].length + 8));
      if (!sep) break;
      at += v[0].length + sep[0].length;
    }
  }
  found.sort((a, b) => a.span![0] - b.span![0]);

  for (const s of stamps) {
    const n = normalizeDocket(s.case_number);
    if (found.some((f) => f.value === n.value && f.source === 'ecf_stamp')) continue;
    found.push({ ...n, text: s.case_number, span: null, source: 'ecf_stamp', raw_span: [s.raw_start, s.raw_end] });
  }

  // one entry per number (the first place it was found)
  const seen = new Set<string>();
  return found.filter((f) => (seen.has(f.value) ? false : (seen.add(f.value), true)));
}
