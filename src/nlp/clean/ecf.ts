/**
 * ECF header stamps: the line CM/ECF prints on every page of a filed document, in its district,
 * bankruptcy and appellate variants, e.g.
 *   Case 1:20-cv-01234-ABC Document 12 Filed 01/02/20 Page 3 of 9 Page ID #:45
 *   Appellate Case: 21-1298 Document: 010110462922 Date Filed: 01/11/2021 Page: 1
 *   Case: 20-1507 Document: 00117684624 Page: 1 Date Filed: 12/22/2020 Entry ID: 6390389
 *   Case: 19-1234, 05/12/2020, ID: 11688329, DktEntry: 19-1, Page 1 of 15
 *   Case 17-3510, Document 1-1, 10/31/2017, 2161300, Page1 of 2
 * A stamp is a "Case <number>" start followed by known fields in any order; text extractors
 * sometimes split a stamp over several lines, or scatter its fields among body lines, so lone
 * field lines are recognised too once a document is known to carry stamps.
 */
import { normalizeString } from './chars.ts';
import { addCut, lineText, type RawLine, type RawPage } from './lines.ts';

export interface EcfStamp {
  case_number: string;
  document?: string;
  filed?: string;
  filed_iso?: string;
  entered?: string;
  page?: number;
  page_of?: number;
  entry_id?: string;
  page_id?: string;
  /** 1-based page of the document the stamp was printed on. */
  page_index: number;
  raw_start: number;
  raw_end: number;
  text: string;
}

const D = '[-\\u2010-\\u2015]';
const CASE = `\\d{1,2}:\\d{2}${D}[A-Za-z]{1,4}${D}\\d{2,6}(?:${D}[A-Za-z]{1,5})*|\\d{2}${D}\\d{3,6}(?:${D}[A-Za-z]{1,5})*`;
const DATE = '\\d{1,2}/\\d{1,2}/\\d{2,4}';
const START = new RegExp(`^[ \\t]*((?:Appellate[ \\t]+)?Case(?::|[ \\t]+No\\.)?[ \\t]*(${CASE}))(?![\\w:])`, 'gm');

type FieldName = 'document' | 'page' | 'page_id' | 'filed' | 'entered' | 'entry_id' | 'date' | 'bare_id' | 'usdc' | 'desc';
const FIELDS: ReadonlyArray<[FieldName, RegExp]> = [
  ['document', /(?:Document|Doc|DktEntry|Dkt\.?|ECF[ \t]+No\.)[ \t]*[:#]?[ \t]*(\d+(?:[-.]\d+)*)/y],
  ['page_id', /Page[ \t]*ID[ \t]*#?:?[ \t]*(\d+)/y],
  ['page', /Page[ \t]*:?[ \t]*(\d+)(?:[ \t]*of[ \t]*(\d+))?/y],
  ['filed', new RegExp(`(?:Date[ \\t]+)?Filed:?[ \\t]*(${DATE})`, 'y')],
  ['entered', new RegExp(`Entered:?[ \\t]*(${DATE})(?:[ \\t]+\\d{1,2}:\\d{2}(?::\\d{2})?)?`, 'y')],
  ['entry_id', /(?:Entry[ \t]+)?ID:?[ \t]*(\d+)/y],
  ['date', new RegExp(`(${DATE})(?!\\d)`, 'y')],
  ['bare_id', /(\d{5,})(?!\d)/y],
  ['usdc', /USDC[ \t]+[A-Z][A-Za-z.]*(?:[ \t]+(?!Page\b)[A-Z][A-Za-z.]*)?/y],
  [
    'desc',
    /Desc[ \t]+(?:Main[ \t]+Document|Exhibit(?:[ \t]+[A-Z0-9]{1,3})?|Proposed[ \t]+Order|Certificate[ \t]+of[ \t]+Service|Notice|Imaged[ \t]+Certificate[ \t]+of[ \t]+Notice)/y,
  ],
];
/** Fields specific enough to recognise on a line of their own. */
const LONE_FIELDS = new Set<FieldName>(['document', 'page_id', 'page', 'filed', 'entered', 'entry_id', 'desc']);
const SEPARATOR = /[\s,]*/y;

interface ParsedFields {
  end: number;
  count: number;
  values: Partial<Record<FieldName, string[]>>;
}

function parseFields(text: string, from: number, allowed: (f: FieldName) => boolean): ParsedFields {
  const values: ParsedFields['values'] = {};
  let at = from;
  let end = from;
  let count = 0;
  for (;;) {
    SEPARATOR.lastIndex = at;
    SEPARATOR.exec(text);
    const fieldStart = SEPARATOR.lastIndex;
    let matched = false;
    for (const [name, re] of FIELDS) {
      if (!allowed(name) || values[name]) continue;
      re.lastIndex = fieldStart;
      const m = re.exec(text);
      if (!m) continue;
      values[name] = m.slice(1).filter((v): v is string => v !== undefined);
      at = end = re.lastIndex;
      count++;
      matched = true;
      break;
    }
    if (!matched) return { end, count, values };
  }
}

function isoFromUsDate(us: string): string | undefined {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{2}|\d{4})$/.exec(us);
  if (!m) return undefined;
  const month = Number(m[1]);
  const day = Number(m[2]);
  let year = Number(m[3]);
  if (m[3]!.length === 2) year += year < 70 ? 2000 : 1900;
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function toStamp(raw: string, start: number, end: number, caseNumber: string, f: ParsedFields, page: RawPage): EcfStamp {
  const v = f.values;
  const filed = v.filed?.[0] ?? v.date?.[0];
  const stamp: EcfStamp = {
    case_number: normalizeString(caseNumber),
    page_index: page.index + 1,
    raw_start: start,
    raw_end: end,
    text: normalizeString(raw.slice(start, end)).replace(/\s+/g, ' '),
  };
  if (v.document) stamp.document = v.document[0];
  if (filed) {
    stamp.filed = filed;
    const iso = isoFromUsDate(filed);
    if (iso) stamp.filed_iso = iso;
  }
  if (v.entered) stamp.entered = v.entered[0];
  if (v.page?.[0]) stamp.page = Number(v.page[0]);
  if (v.page?.[1]) stamp.page_of = Number(v.page[1]);
  const entry = v.entry_id?.[0] ?? v.bare_id?.[0];
  if (entry) stamp.entry_id = entry;
  if (v.page_id) stamp.page_id = v.page_id[0];
  return stamp;
}

function cutRange(lines: RawLine[], start: number, end: number): void {
  for (const line of lines) if (line.end > start && line.start < end) addCut(line, start, end);
}

/** Finds stamps on every page, cuts them out of their lines, and returns them. */
export function removeEcfStamps(raw: string, pages: RawPage[]): EcfStamp[] {
  const stamps: EcfStamp[] = [];
  for (const page of pages) {
    const text = raw.slice(page.start, page.end);
    START.lastIndex = 0;
    for (let m = START.exec(text); m; m = START.exec(text)) {
      const headStart = m.index + (m[0].length - m[0].trimStart().length);
      const fields = parseFields(text, START.lastIndex, () => true);
      const strong = (fields.values.document ? 1 : 0) + (fields.values.page || fields.values.filed || fields.values.entry_id ? 1 : 0);
      if (fields.count < 2 && !(fields.count >= 1 && fields.values.document)) continue;
      if (strong === 0) continue;
      const start = page.start + headStart;
      const end = page.start + fields.end;
      stamps.push(toStamp(raw, start, end, m[2]!, fields, page));
      cutRange(page.lines, start, end);
      START.lastIndex = fields.end;
    }
  }
  if (stamps.length > 0) removeLoneFields(raw, pages, stamps);
  return stamps;
}

/** Lines made only of stamp fields (or the bare "Case: <number>" of a known stamp). */
function removeLoneFields(raw: string, pages: RawPage[], stamps: EcfStamp[]): void {
  const cases = new Set(stamps.map((s) => s.case_number.replace(/[^\w]/g, '').toLowerCase()));
  for (const page of pages) {
    for (const line of page.lines) {
      if (line.removed) continue;
      const text = lineText(raw, line);
      if (!text) continue;
      const caseOnly = /^(?:Appellate\s+)?Case:?\s*(\S+)$/.exec(text);
      if (caseOnly && cases.has(caseOnly[1]!.replace(/[^\w]/g, '').toLowerCase())) {
        line.removed = 'ecf_stamp';
        continue;
      }
      const f = parseFields(text, 0, (name) => LONE_FIELDS.has(name));
      if (f.count > 0 && f.end === text.length) line.removed = 'ecf_stamp';
    }
  }
}
