/** Reporter citations ("200 U.S. 321", "983 F.3d 1077") and statutes/rules ("28 U.S.C. § 1404(a)"). */
import { collapse, type Citation } from './types.ts';

const REPORTER = String.raw`U\.\s?S\.|S\.\s?Ct\.|L\.\s?Ed\.(?:\s?2d)?|F\.\s?Supp\.(?:\s?(?:2d|3d))?|F\.\s?App'x|F\.(?:\s?(?:2d|3d|4th))?|B\.\s?R\.|So\.(?:\s?(?:2d|3d))?|N\.\s?E\.(?:\s?(?:2d|3d))?|N\.\s?W\.(?:\s?2d)?|S\.\s?E\.(?:\s?2d)?|S\.\s?W\.(?:\s?(?:2d|3d))?|P\.(?:\s?(?:2d|3d))?|A\.(?:\s?(?:2d|3d))?|Cal\.\s?Rptr\.(?:\s?(?:2d|3d))?|N\.\s?Y\.\s?S\.(?:\s?(?:2d|3d))?|Cal\.\s?(?:App\.\s?)?(?:4th|5th)|WL|U\.\s?S\.\s?L\.\s?W\.`;
const CASE_CITE = new RegExp(String.raw`\b(\d{1,4})\s(${REPORTER})\s(\d{1,7})(?:,\s?(\d{1,5}))?`, 'g');
const STATUTE =
  /\b(\d{1,2})\s(U\.\s?S\.\s?C\.(?:\s?A\.)?|C\.\s?F\.\s?R\.)\s?(?:§§?|[Ss]ec(?:tion|\.)?)?\s?(\d+[a-z]?(?:-\d+)?(?:\.\d+)?(?:\([a-zA-Z0-9]{1,4}\))*)/g;
const RULES =
  /\bFed(?:eral|\.)\s?R(?:ules|\.)?\s?(?:of\s)?(Civ|Crim|App|Evid|Bankr)(?:il|inal|ellate|ence|uptcy)?\.?\s?(?:P(?:roc(?:edure)?)?\.?\s?)?(\d{1,4}(?:\.\d+)?(?:\([a-z0-9]{1,4}\))*)/g;

export function extractCitations(text: string, limit = 300): Citation[] {
  const out: Citation[] = [];
  for (const m of text.matchAll(CASE_CITE)) {
    // "U. S." and "U.S." are the same reporter; "F. Supp. 2d" keeps its spaces
    const reporter = collapse(m[2]!).replace(/\b([A-Z])\.\s(?=[A-Z]\.)/g, '$1.');
    out.push({
      kind: 'case',
      value: `${m[1]} ${reporter} ${m[3]}`,
      text: collapse(m[0]),
      span: [m.index, m.index + m[0].length],
      source: 'rules',
    });
  }
  for (const m of text.matchAll(STATUTE)) {
    const code = m[2]!.replace(/\s/g, '');
    out.push({
      kind: code.startsWith('C.F.R') ? 'regulation' : 'statute',
      value: `${m[1]} ${code} § ${m[3]}`,
      text: collapse(m[0]),
      span: [m.index, m.index + m[0].length],
      source: 'rules',
    });
  }
  for (const m of text.matchAll(RULES)) {
    out.push({
      kind: 'rule',
      value: `Fed. R. ${m[1]}. P. ${m[2]}`.replace('Evid. P.', 'Evid.'),
      text: collapse(m[0]),
      span: [m.index, m.index + m[0].length],
      source: 'rules',
    });
  }
  return out.sort((a, b) => a.span![0] - b.span![0]).slice(0, limit);
}
