/**
 * The caption: case name, parties with their roles, court, judges. Rules over the first part of
 * the cleaned text (NEF "Case Name:" fields, "X v. Y" captions with role lines, "In re" captions,
 * court heading lines, "Hon."/"Judge"/"J." patterns), plus contract party clauses.
 */
import { nefPairs } from './case-names.ts';
import { collapse, type CaseName, type Court, type Judge, type Party, type Span } from './types.ts';

const HEAD = 5000;
const ROLE_WORDS: Readonly<Record<string, string>> = {
  plaintiff: 'plaintiff',
  plaintiffs: 'plaintiff',
  defendant: 'defendant',
  defendants: 'defendant',
  appellant: 'appellant',
  appellants: 'appellant',
  appellee: 'appellee',
  appellees: 'appellee',
  petitioner: 'petitioner',
  petitioners: 'petitioner',
  respondent: 'respondent',
  respondents: 'respondent',
  debtor: 'debtor',
  debtors: 'debtor',
  creditor: 'creditor',
  creditors: 'creditor',
  movant: 'movant',
  intervenor: 'intervenor',
  'counter-defendant': 'counter_defendant',
  'counter-plaintiff': 'counter_plaintiff',
  'cross-appellant': 'cross_appellant',
  'cross-appellee': 'cross_appellee',
};
const ROLE_LINE =
  /^(?:(?:and\s+)?(?:Plaintiffs?|Defendants?|Appellants?|Appellees?|Petitioners?|Respondents?|Debtors?|Creditors?|Movants?|Intervenors?|Counter-(?:Defendants?|Plaintiffs?)|Cross-(?:Appellants?|Appellees?))[\s,/-]*)+[.,;]?$/i;
const VERSUS = /^(?:v\.?|vs\.?|versus)$/i;

interface Line {
  text: string;
  start: number;
  end: number;
}

function linesOf(text: string, limit = HEAD): Line[] {
  const out: Line[] = [];
  let at = 0;
  for (const raw of text.slice(0, limit).split('\n')) {
    const lead = raw.length - raw.trimStart().length;
    const t = raw.trim();
    out.push({ text: t, start: at + lead, end: at + lead + t.length });
    at += raw.length + 1;
  }
  return out;
}

function rolesOf(line: string): string[] {
  return [
    ...new Set(
      line
        .toLowerCase()
        .split(/[\s,/.;]+|-(?=appell|defend|plaint)/)
        .map((w) => ROLE_WORDS[w])
        .filter((r): r is string => !!r),
    ),
  ];
}

/** A party name from a caption block: cut at ", in his official capacity", ", et al.", ", a … corporation". */
function partyName(block: string): string {
  return collapse(block)
    .replace(/,?\s+(?:in (?:his|her|their|its) (?:official|individual) capacit[^]*|et al\.?.*|individually[^]*|and DOES? \d[^]*)$/i, '')
    .replace(/[,;]\s*$/, '')
    .trim();
}

export interface CaptionFacts {
  case_name: CaseName | null;
  parties: Party[];
}

function nefCaseNames(text: string): CaseName[] {
  return nefPairs(text).map((p) => p.name);
}

/** "Plaintiff block / v. / Defendant block" with role lines, as in court captions. */
function versusCaption(lines: Line[]): CaptionFacts | null {
  const vi = lines.findIndex((l, i) => i < 120 && VERSUS.test(l.text));
  if (vi < 0) return null;
  const before: Line[] = [];
  let roleBefore: string[] = [];
  for (let i = vi - 1; i >= 0 && before.length < 5; i--) {
    const l = lines[i]!;
    if (!l.text) {
      if (before.length) break;
      continue;
    }
    if (ROLE_LINE.test(l.text)) {
      if (before.length) break;
      roleBefore = rolesOf(l.text);
      continue;
    }
    if (
      /^(?:No\.|Case|Civil Action|IN THE|UNITED STATES|FOR THE|Appeal from|DIVISION)/i.test(l.text) ||
      /COURT|DISTRICT OF|CIRCUIT/i.test(l.text) ||
      COURT_QUALIFIER.test(l.text)
    )
      break;
    before.unshift(l);
  }
  const after: Line[] = [];
  let roleAfter: string[] = [];
  for (let i = vi + 1; i < lines.length && after.length < 5; i++) {
    const l = lines[i]!;
    if (!l.text) {
      if (after.length) break;
      continue;
    }
    if (ROLE_LINE.test(l.text)) {
      roleAfter = rolesOf(l.text);
      break;
    }
    if (/^(?:No\.|Case No|On Appeal|Appeal from|Before)/i.test(l.text)) break;
    after.push(l);
  }
  if (!before.length || !after.length) return null;
  const p1 = partyName(before.map((l) => l.text).join(' '));
  const p2 = partyName(after.map((l) => l.text).join(' '));
  if (!p1 || !p2) return null;
  const s1: Span = [before[0]!.start, before[before.length - 1]!.end];
  const s2: Span = [after[0]!.start, after[after.length - 1]!.end];
  const parties: Party[] = [
    { name: p1, roles: roleBefore, text: p1, span: s1, source: 'rules' },
    { name: p2, roles: roleAfter, text: p2, span: s2, source: 'rules' },
  ];
  const value = `${p1} v. ${p2}`;
  return { case_name: { value, text: value, span: [s1[0], s2[1]], source: 'rules' }, parties };
}

/** "X v. Y" on one line (or a line ending in "v."), or "In re: X". */
function inlineCaption(text: string): CaptionFacts | null {
  const head = text.slice(0, HEAD);
  const inre = /^[ \t]*(?:Short Title:\s*)?(In re:?\s+[A-Z][^\n]{2,100})$/im.exec(head);
  let vs: RegExpExecArray | null = null;
  for (const m of head.matchAll(
    /^[ \t]*(?:Short Title:\s*)?([A-Z][A-Za-z0-9.,&' -]{2,100}?)\s+v\.\s*\n?\s*([A-Z][A-Za-z.,&' -]{2,100}?)[ \t]*$/gm,
  )) {
    if (/^(?:See|Cf|Compare|But|Accord)\b/.test(m[1]!)) continue;
    vs = m as RegExpExecArray;
    break;
  }
  const pick = inre && (!vs || inre.index < vs.index) ? inre : vs;
  if (!pick) return null;
  if (pick === inre) {
    const start = pick.index + pick[0].indexOf(pick[1]!);
    const value = collapse(pick[1]!);
    return { case_name: { value, text: value, span: [start, start + pick[1]!.length], source: 'rules' }, parties: [] };
  }
  const start = pick.index + pick[0].indexOf(pick[1]!);
  const end = pick.index + pick[0].trimEnd().length;
  const value = `${partyName(pick[1]!)} v. ${partyName(pick[2]!)}`;
  return { case_name: { value, text: collapse(head.slice(start, end)), span: [start, end], source: 'rules' }, parties: [] };
}

/** "between X (the "Company") and Y ("Executive")" in contracts: defined terms become roles. */
function contractParties(text: string): Party[] {
  const head = text.slice(0, 8000);
  const out: Party[] = [];
  const clause = /\b(?:by and between|between|among|by and among)\b/i.exec(head);
  if (!clause) return out;
  const region = head.slice(clause.index, clause.index + 700);
  const re =
    /([A-Z][A-Za-z0-9.,&'\- ]{2,120}?)(?:,\s+(?:an?|the)\s+[^()"]{2,120}?)?\s*\((?:hereinafter\s+(?:referred to as\s+)?|together with [^()]*?|the\s+)?(?:the\s+)?"([A-Z][A-Za-z ]{1,40})"\)/g;
  for (const m of region.matchAll(re)) {
    const lead = m[1]!.length - m[1]!.trimStart().length;
    const name = collapse(m[1]!)
      .replace(/^(?:by and between|between|among|and)\s+/i, '')
      .replace(/,\s*(?:\d.*|an?\s.*)$/, '')
      .replace(/,$/, '');
    const words = name.split(' ');
    const capitalised = words.filter((w) => /^[A-Z0-9&]/.test(w)).length;
    if (
      name.length < 3 ||
      words.length > 10 ||
      capitalised < words.length * 0.6 ||
      /^(?:This|The|Such|WHEREAS|Annex|Schedule|Exhibit)\b/.test(name)
    )
      continue;
    const start = clause.index + m.index + lead + m[1]!.trim().indexOf(name);
    out.push({ name, roles: [m[2]!.toLowerCase()], text: name, span: [start, start + name.length], source: 'rules' });
    if (out.length >= 6) break;
  }
  return out;
}

export function extractCaption(text: string): CaptionFacts {
  const nef = nefCaseNames(text);
  const lines = linesOf(text);
  const versus = versusCaption(lines);
  const inline = inlineCaption(text);
  const parties = versus?.parties.length ? versus.parties : contractParties(text);
  if (nef.length) {
    // "A v. B" in a case name gives the parties (roles are not stated in a notice)
    if (!parties.length) {
      const m = /^(.+?)\s+v\.\s+(.+)$/.exec(nef[0]!.value);
      if (m) {
        const [s] = nef[0]!.span!;
        parties.push({ name: m[1]!, roles: [], text: m[1]!, span: [s, s + m[1]!.length], source: 'rules' });
        const at = text.indexOf(m[2]!.split(' ')[0]!, s + m[1]!.length);
        parties.push({ name: partyName(m[2]!), roles: [], text: m[2]!, span: [at, at + m[2]!.length], source: 'rules' });
      }
    }
    return { case_name: nef[0]!, parties };
  }
  return { case_name: versus?.case_name ?? inline?.case_name ?? null, parties };
}

const COURT_LINE =
  /^(?:IN THE\s+|In the\s+)?((?:SUPREME COURT OF [A-Z .]+|Supreme Court of [A-Z][a-z .]+|UNITED STATES (?:DISTRICT|BANKRUPTCY) COURT|United States (?:District|Bankruptcy) Court|UNITED STATES COURT OF APPEALS|United States Court of Appeals|U\.S\. (?:District|Bankruptcy) Court(?: \[LIVE\])?|United States Judicial Panel on Multidistrict Litigation|(?:[A-Z][a-z]+ )+Court of Appeals|(?:[A-Z]+ )*COURT OF APPEALS|(?:[A-Z][a-z]+ )*(?:Circuit|Superior|County|District) Court(?: of [A-Z][a-z]+(?: [A-Z][a-z]+)*)?)(?:,?\s+(?:for|of)\s+the\s+[A-Z][^\n]{2,60})?)(?:\s+Notice of Electronic Filing)?$/;
const COURT_QUALIFIER =
  /^(?:FOR THE|For the|for the)\s+[^\n]{3,60}$|^(?:[A-Z][a-z]+\s+){0,3}(?:District|Division|Circuit)(?:\s+of\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*)?$|^(?:[A-Z]+\s+){0,3}(?:DISTRICT|DIVISION|CIRCUIT)(?:\s+OF\s+[A-Z]+(?:\s+[A-Z]+)*)?$/;

export function extractCourt(text: string): Court | null {
  const lines = linesOf(text, 4000).filter((l) => l.text);
  for (let i = 0; i < lines.length; i++) {
    const m = COURT_LINE.exec(lines[i]!.text);
    if (!m || /\bv\.\s/.test(lines[i]!.text)) continue;
    let name = collapse(m[1]!).replace(/\s*\[LIVE\]$/, '');
    let end = lines[i]!.end;
    const next = lines[i + 1];
    if (next && COURT_QUALIFIER.test(next.text) && !/\bfor the\b/i.test(name)) {
      name = `${name} ${/^for the/i.test(next.text) ? '' : 'for the '}${next.text}`.replace(/\s+/g, ' ');
      end = next.end;
    }
    const start = lines[i]!.start + lines[i]!.text.indexOf(m[1]!);
    return { name, text: collapse(text.slice(start, end)), span: [start, end], source: 'rules' };
  }
  return null;
}

const NAME = "[A-Z][A-Za-z'\\-]+(?:[ \\t]+[A-Z]\\.)?(?:[ \\t]+[A-Z][a-z][A-Za-z'\\-]*){0,2}";
const JUDGE_PATTERNS: ReadonlyArray<[RegExp, string | undefined]> = [
  [new RegExp(`\\bHon(?:orable|\\.)\\s+(${NAME})`, 'g'), undefined],
  [
    new RegExp(
      `\\b((?:Chief |Senior |U\\.S\\. |United States )?(?:Magistrate |District |Circuit |Bankruptcy |Chief )?Judge)\\s+(${NAME})`,
      'g',
    ),
    'prefix',
  ],
  [
    new RegExp(
      `(?<![A-Za-z] )\\b(${NAME}(?:[ \\t]*(?:,|and)[ \\t]*${NAME})*),[ \\t]+((?:Chief |Senior )?(?:Circuit |District |Magistrate |Bankruptcy |Chief )?Judges?)\\b`,
      'g',
    ),
    'suffix',
  ],
  [/\b([A-Z][a-z]+(?:\s+[A-Z]\.)?\s+[A-Z][a-z]+),\s+(P\.J\.|C\.J\.|J\.)(?=[,\s]|$)/g, 'state'],
  [/\b((?:CHIEF )?JUSTICE)\s+([A-Z]{3,})\b/g, 'prefix'],
  [/\bDC Judge:\s*([A-Z][A-Za-z'-]+)/g, undefined],
];

export function extractJudges(text: string): Judge[] {
  const out: Judge[] = [];
  const seen = new Set<string>();
  const push = (name: string, title: string | undefined, start: number): void => {
    const clean = collapse(name);
    const key = clean.toLowerCase().split(' ').pop() ?? clean;
    if (
      seen.has(key) ||
      /^(?:the|this|a|an|of|before|chief|judge|hon)$/i.test(key) ||
      /\b(?:Judge|Court)\b/.test(clean) ||
      clean.length < 3
    )
      return;
    seen.add(key);
    out.push({
      name: clean,
      ...(title ? { title: collapse(title) } : {}),
      text: clean,
      span: [start, start + name.length],
      source: 'rules',
    });
  };
  for (const [re, shape] of JUDGE_PATTERNS) {
    for (const m of text.matchAll(re)) {
      if (shape === 'prefix') push(m[2]!, m[1], m.index + m[0].indexOf(m[2]!, m[1]!.length));
      else if (shape === 'suffix') {
        const names = m[1]!.split(/\s*(?:,|\band\b)\s*/).filter(Boolean);
        for (const n of names) push(n, m[2]!.replace(/s$/, ''), m.index + m[0].indexOf(n));
      } else if (shape === 'state') push(m[1]!, m[2], m.index);
      else push(m[1]!, undefined, m.index + m[0].indexOf(m[1]!));
      if (out.length >= 20) return out;
    }
  }
  return out;
}
