/**
 * Parties of a case caption: the value of a "Case Name:" line in court e-mails ("Heartbeat of Miami,
 * Inc. v. Jane's Revenge et al"), and "A v. B" captions in running text.
 */
import nlp from 'compromise';
import { alternation, NOT_NAME_START, ORG_HEAD_WORDS, ORG_SUFFIXES, withUpper } from './gazetteers.ts';
import { NAME_WORD, ORG_RE, SEP } from './patterns.ts';
import { trimLeadingNonNames } from './name-spans.ts';
import { makeMention, type EntityType, type Mention, type PartyRole } from './types.ts';

const ORG_WORDS = new RegExp(
  String.raw`\b(?:${alternation(withUpper([...ORG_SUFFIXES.map((s) => s.replace(/\.$/, '')), ...ORG_HEAD_WORDS]))})(?![\w])|\b(?:America|United States|State of|STATE OF|City of|County|Revenge|Council|Estate|Government|GOVERNMENT|Ministry|Municipal|Corporation|Commissioners?|Secretary|Directorate|Panchayat|Traders|Tribunal|India|INDIA)\b`,
);

/** The name has a legal form or an organisation word ("Inc.", "Bank", "State of"). */
export function hasOrgWord(name: string): boolean {
  return ORG_WORDS.test(name);
}

/** ORG when the name has a legal form or an organisation word; PERSON when it reads as a person's name. */
export function classifyParty(name: string): EntityType {
  if (ORG_WORDS.test(name)) return 'ORG';
  const words = name.split(/\s+/).filter(Boolean);
  if (words.length === 1 && /^[A-Z][a-z'’-]+$/.test(words[0] ?? '')) return 'PERSON';
  // "K. Raman", "Carl J. Menendez": initials and name words read as a person
  if (words.length <= 4 && words.some((w) => /^[A-Z]\.$/.test(w)) && words.every((w) => /^(?:[A-Z][a-zA-Z'’-]+|[A-Z]\.)$/.test(w)))
    return 'PERSON';
  if (words.length <= 4 && words.every((w) => /^(?:[A-Z][a-zA-Z'’-]+|[A-Z]\.)$/.test(w)) && nlp(name).people().found) return 'PERSON';
  return 'ORG';
}

const CUT =
  /\s*(?:\bet\.?\s*al\b\.?|\s(?:and|&)\s+(?:Others|OTHERS|Ors\.?|ORS\.?|Anr\.?|ANR\.?|another|Another)(?!\w)|\b(?:not in its|in its|as trustee|individually|solely|d\/b\/a|a\/k\/a)\b)/i;

const SUFFIX_WORD = new Set(withUpper(ORG_SUFFIXES));

/** Ends a name after its legal form ("Apple Inc." of "Apple Inc. Case Number") or before a word that starts no name. */
function truncateName(text: string, start: number, end: number): number {
  const words = /\S+/g;
  const slice = text.slice(start, end);
  let first = true;
  for (let m = words.exec(slice); m; m = words.exec(slice)) {
    const word = m[0].replace(/[,;:]+$/, '');
    if (!first && NOT_NAME_START.has(word) && word !== 'Of' && word !== 'OF' && word !== 'AND' && word !== 'And' && word !== 'THE')
      return start + m.index;
    if (!first && SUFFIX_WORD.has(word)) return start + m.index + word.length;
    first = false;
  }
  return end;
}

/** One side of a caption, [start, end) of text: cut at "et al" / "as trustee", trimmed, typed. */
function party(
  text: string,
  start: number,
  end: number,
  role: PartyRole,
  method: 'case-name' | 'rules',
  confidence: number,
): Mention | undefined {
  const cut = CUT.exec(text.slice(start, end));
  const s = trimLeadingNonNames(text, start, cut ? start + cut.index : end);
  const e = truncateName(text, s, cut ? start + cut.index : end);
  const probe = makeMention(text, 'OTHER', s, e, method, confidence);
  if (!probe || !/[A-Za-z]{2}/.test(probe.value)) return undefined;
  if (role === 'in-re') {
    ORG_RE.lastIndex = 0;
    const org = ORG_RE.exec(probe.value);
    if (org) {
      const os = trimLeadingNonNames(text, probe.start + org.index, probe.start + org.index + org[0].length);
      return makeMention(text, 'ORG', os, probe.start + org.index + org[0].length, method, confidence, { role });
    }
    const type = classifyParty(probe.value.replace(/\s+/g, ' '));
    return makeMention(
      text,
      type === 'PERSON' && probe.value.split(/\s+/).length <= 3 ? 'PERSON' : 'OTHER',
      probe.start,
      probe.end,
      method,
      confidence * 0.8,
      { role },
    );
  }
  return makeMention(text, classifyParty(probe.value.replace(/\s+/g, ' ')), probe.start, probe.end, method, confidence, { role });
}

/** Parties of the caption text[start, end). */
function captionParties(text: string, start: number, end: number, method: 'case-name' | 'rules', confidence: number): Mention[] {
  const value = text.slice(start, end);
  const inRe = /^\s*(?:IN\s+RE|In\s+re|In\s+the\s+Matter\s+of|IN\s+THE\s+MATTER\s+OF):?\s*/.exec(value);
  if (inRe) {
    const p = party(text, start + inRe[0].length, end, 'in-re', method, confidence);
    return p ? [p] : [];
  }
  const v = /\s+(?:v\.?|vs\.?|V\.|VS\.)\s+/.exec(value);
  if (!v) {
    const p = party(text, start, end, 'debtor', method, confidence);
    return p ? [p] : [];
  }
  const out: Mention[] = [];
  const left = party(text, start, start + v.index, 'plaintiff', method, confidence);
  const right = party(text, start + v.index + v[0].length, end, 'defendant', method, confidence);
  if (left) out.push(left);
  if (right) out.push(right);
  return out;
}

/** "Case Name: …" up to "Case Number", a blank line, or three lines. */
export function recogniseCaseNameLines(text: string): Mention[] {
  const out: Mention[] = [];
  const re = /Case\s+Name\s*:[ \t\u00a0]*/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const start = m.index + m[0].length;
    const window = text.slice(start, start + 300);
    const stop = /\s*(?:\bCase\s*Number\b|\bCase\s*No\b|\bFiler\s*:|\bDocument\s+Number\b|\n[ \t\u00a0]*\n)/.exec(window);
    let end = start + (stop ? stop.index : window.length);
    const lines = text.slice(start, end).split('\n');
    if (lines.length > 3) end = start + lines.slice(0, 3).join('\n').length;
    out.push(...captionParties(text, start, end, 'case-name', 0.95));
  }
  return out;
}

const SIDE = String.raw`${NAME_WORD}(?:,?${SEP}(?:(?:of|and|the|for|&|OF|AND|THE)${SEP})?${NAME_WORD}){0,6}`;
const CAPTION_RE = new RegExp(String.raw`(?<![\w&])(${SIDE})[ \t\u00a0]+(?:v\.|vs\.|V\.|VS\.)[ \t\u00a0]+(${SIDE})(?=[\s,.;:)]|$)`, 'g');

/** A reporter citation right after a caption: the caption names a cited precedent. */
const CITATION_AFTER =
  /^,?\s*(?:\(\d{4}\)|\[\d{4}\]|AIR\s|ILR\s|\d{4}\s+SCC\b|\d{1,4}\s+(?:U\.\s?S\.|S\.\s?Ct\.|F\.|F\.\s?(?:2d|3d|4th|Supp\.)|[A-Z][\w.]*\s?\d?d?)\s*\d)/;
/** "Mr. V. Krishnamurthy", "S. V. Rao": an initial, not "versus". */
const INITIAL_V = /(?:^|[\s(])(?:[A-Z]|Mr|Mrs|Ms|Dr|Sri|Shri|Smt)\.?\s+V\.\s+[A-Z]/;

/** "A v. B" captions in running text (cited cases, headings); the parties of a cited precedent get no role. */
export function recogniseCaptions(text: string): Mention[] {
  const out: Mention[] = [];
  CAPTION_RE.lastIndex = 0;
  for (let m = CAPTION_RE.exec(text); m; m = CAPTION_RE.exec(text)) {
    if (CAPTION_RE.lastIndex <= m.index) CAPTION_RE.lastIndex = m.index + 1;
    if (INITIAL_V.test(text.slice(Math.max(0, m.index - 6), m.index + m[0].length))) continue;
    let end = m.index + m[0].length;
    const cite = /,\s+(?:AIR|ILR|SCC)$/.exec(m[0]);
    if (cite) end -= cite[0].length;
    const parties = captionParties(text, m.index, end, 'rules', 0.8);
    const cited = CITATION_AFTER.test(text.slice(end, end + 40));
    out.push(...(cited ? parties.map(({ meta: _meta, ...p }) => p) : parties));
  }
  return out;
}
