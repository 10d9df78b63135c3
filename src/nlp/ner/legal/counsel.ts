/**
 * Judges and lawyers as common-law headers write them. A JUDGE or LAWYER mention is the person's name
 * only: "Hon'ble Mr. Justice", ", J.", "Mr." and ", Advocate" are cues around it. A lawyer whose text
 * says whom they act for carries `forRole` ("Advocate for Respondent Nos. 1 & 2") or `forParty`.
 */
import { makeMention, trimSpan, type Mention, type MentionMeta } from '../types.ts';
import { HONBLE, HONORIFIC, PERSON, ROLE_WORD, roleOf } from './names.ts';

const TITLES = String.raw`(?:(?:${HONBLE}|${HONORIFIC}|Justice|JUSTICE|Lord|LORD|Lady|LADY|Sir|SIR|Chief|CHIEF)[ \t\u00a0]+)*`;
const AND = String.raw`(?:,[ \t\u00a0]*|[ \t\u00a0]+(?:and|AND|&)[ \t\u00a0]+)`;
const JUDGES = String.raw`${TITLES}${PERSON}(?:${AND}${TITLES}${PERSON}){0,6}`;
const PERSON_RE = new RegExp(PERSON, 'g');

const JUDGE_LIST_RES: RegExp[] = [
  // CORAM : A AND B, JJ.  /  Before: Mrs Justice X
  new RegExp(String.raw`(?:CORAM|Coram|BEFORE|Before)[ \t\u00a0]*:[ \t\u00a0]*(${JUDGES})`, 'g'),
  // Hon'ble Mr. Justice X, MR JUSTICE X, Chief Justice X, Lord Justice X
  new RegExp(String.raw`(?:Justice|JUSTICE)[ \t\u00a0]+(${PERSON})`, 'g'),
];
/** "A and B, JJ." / "X, J." / "X, C.J.": found from the cue backwards, in a window before it. */
const J_CUE = /,[ \t\u00a0]+(?:JJ|J|C\.[ ]?J|CJ|CJI)\.(?![\w])/g;
const JUDGES_BEFORE = new RegExp(String.raw`(${JUDGES})$`);

const LAWYER_WORD = String.raw`(?:[Aa]dvocates?|ADVOCATES?|Adv\.|[Cc]ounsel|COUNSEL|Pleader|Prosecutor|APP|AGP|A\.G\.P\.|A\.P\.P\.|A\.G\.A\.|AGA|PP|A\.G\.|AG|Solicitors?|Barristers?|Attorneys?|Amicus(?:[ \t]Curiae)?)(?![\w])`;
const LAWYER_QUAL = String.raw`(?:(?:the|learned|Learned|Ld\.|Sr\.|Senior|SENIOR|Addl\.|Additional|Spl\.|Special|Standing|Government|Govt\.|Public|Assistant|Asst\.|Central|State|Panel)[ \t\u00a0]+)*`;
const ITEM = String.raw`${HONORIFIC}[ \t\u00a0]+${PERSON}`;
const LEFT = String.raw`(?:Through|THROUGH|Present|PRESENT|Appearances?|APPEARANCES?|Heard|HEARD|\(By|\(BY|with|With|(?:For|FOR)[^:\n]{1,40}:|(?:[Ll]earned[ \t]+)?(?:[Ss]enior[ \t]+)?(?:[Cc]ounsel|[Aa]dvocates?|Attorneys?|COUNSEL|ADVOCATES?)[ \t]+(?:appearing[ \t]+)?(?:for|FOR)[^:,\n]{1,60}[:,])`;
const LAWYER_GROUP_RE = new RegExp(
  String.raw`(${LEFT}[ \t\u00a0]*:?[ \t\u00a0]*)?(${ITEM}(?:${AND}${ITEM}){0,6})(,?[ \t\u00a0]*${LAWYER_QUAL}${LAWYER_WORD})?`,
  'g',
);
/** Whom a lawyer acts for, after a cue: "for Respondent Nos. 1 & 2", "for the appellant", "for the State". */
const FOR_RE = new RegExp(
  String.raw`(?:for|For|FOR|to|TO)[ \t\u00a0]+(?:the[ \t\u00a0]+|THE[ \t\u00a0]+)?(?:(${ROLE_WORD})(?![\w])|([A-Z][\w&'’.-]*(?:[ \t\u00a0]+[A-Z][\w&'’.-]*){0,5}))`,
);

/** The role or party a cue names, as mention meta. */
function actsFor(cue: string): MentionMeta | undefined {
  const m = FOR_RE.exec(cue);
  if (!m) return undefined;
  const role = m[1] ? roleOf(m[1]) : undefined;
  if (role) return { forRole: role };
  const span = m[2] ? trimSpan(m[2], 0, m[2].length) : undefined;
  const party = span && m[2]?.slice(span.start, span.end);
  return party && !/^(?:Debtors?|Plaintiffs?|Defendants?)\b/.test(party) ? { forParty: party } : undefined;
}

/** The role word that ends the text before "Through", on its line or the line before ("..... Petitioner\nThrough:"). */
const ROLE_BEFORE = new RegExp(String.raw`(${ROLE_WORD})[ \t\u00a0.:]*(?:\r?\n[ \t\u00a0]*)?$`);

/** "X ..... Appellant Through: Mr. A": the lawyers after "Through" act for the role just before it. */
function throughFor(text: string, at: number, left: string): MentionMeta | undefined {
  if (!/^(?:Through|THROUGH)/.test(left)) return undefined;
  const role = ROLE_BEFORE.exec(text.slice(Math.max(0, at - 40), at))?.[1];
  const forRole = role ? roleOf(role) : undefined;
  return forRole ? { forRole } : undefined;
}

function names(text: string, start: number, span: string, type: 'JUDGE' | 'LAWYER', meta?: MentionMeta): Mention[] {
  const out: Mention[] = [];
  PERSON_RE.lastIndex = 0;
  for (let m = PERSON_RE.exec(span); m; m = PERSON_RE.exec(span)) {
    const mention = makeMention(text, type, start + m.index, start + m.index + m[0].length, 'rules', 0.9, meta);
    if (mention && /[a-zA-Z]{2}/.test(mention.value)) out.push(mention);
  }
  return out;
}

/** Each JUDGE_LIST_RES rule runs only when its cue occurs (a name-first regex is costly on long texts). */
const JUDGE_CUES = [/(?:CORAM|Coram|BEFORE|Before)[ \t\u00a0]*:/, /Justice|JUSTICE/];

export function recogniseJudges(text: string): Mention[] {
  const out: Mention[] = [];
  for (const [i, re] of JUDGE_LIST_RES.entries()) {
    if (!JUDGE_CUES[i]?.test(text)) continue;
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const list = m[1] ?? '';
      // "(Ravel, J.)" and "entered by Ravel, J." are clerks' initials in court e-mails, not judges
      if (/(?:\(|\bby\s)$/.test(text.slice(Math.max(0, m.index - 4), m.index)) && /\bJ\.$/.test(m[0]) && !/\s/.test(list)) continue;
      out.push(...names(text, m.index + m[0].indexOf(list), list, 'JUDGE'));
    }
  }
  J_CUE.lastIndex = 0;
  for (let c = J_CUE.exec(text); c; c = J_CUE.exec(text)) {
    const from = Math.max(0, c.index - 120);
    const list = JUDGES_BEFORE.exec(text.slice(from, c.index))?.[1];
    if (!list) continue;
    const at = c.index - list.length;
    // "(Ravel, J.)" and "entered by Ravel, J." are clerks' initials in court e-mails, not judges
    if (/(?:\(|\bby\s)$/.test(text.slice(Math.max(0, at - 4), at)) && !/\s/.test(list)) continue;
    out.push(...names(text, at, list, 'JUDGE'));
  }
  return out;
}

/** Lawyers in lists with a cue before ("Through:", "Counsel for the appellant:") or after (", Advocates"). */
export function recogniseLawyerLists(text: string): Mention[] {
  const groups: Array<{ start: number; end: number; list: string; listStart: number; meta?: MentionMeta }> = [];
  LAWYER_GROUP_RE.lastIndex = 0;
  for (let m = LAWYER_GROUP_RE.exec(text); m; m = LAWYER_GROUP_RE.exec(text)) {
    const [, left, list = '', right] = m;
    if (!left && !right) continue;
    const end = m.index + m[0].length;
    const tail = text.slice(end, end + 80);
    const meta =
      (left ? (actsFor(left) ?? throughFor(text, m.index, left)) : undefined) ??
      (right ? actsFor(tail.replace(/^[ \t\u00a0,]+/, '')) : undefined);
    groups.push({ start: m.index, end, list, listStart: m.index + (left?.length ?? 0), meta });
  }
  const out: Mention[] = [];
  groups.forEach((g, i) => {
    // "Mr. A, Sr. Advocate with Mr. B, Advocates for the Appellants": A acts for whom B acts for
    const next = groups[i + 1];
    const meta = g.meta ?? (next && /^[ \t\u00a0]*,?[ \t\u00a0]*with\b/i.test(text.slice(g.end, next.start + 5)) ? next.meta : undefined);
    out.push(...names(text, g.listStart, g.list, 'LAWYER', meta));
  });
  return out;
}

const SIGNATORY_RE = new RegExp(String.raw`(?:/s/|Name:|NAME:)[ \t\u00a0]*(${PERSON})`, 'g');

/** Signatories of contracts ("By: /s/ Helen Dray", "Name: Helen Dray") who sign for no party as counsel. */
export function recogniseSignatories(text: string): Mention[] {
  const out: Mention[] = [];
  SIGNATORY_RE.lastIndex = 0;
  for (let m = SIGNATORY_RE.exec(text); m; m = SIGNATORY_RE.exec(text)) {
    const start = m.index + m[0].indexOf(m[1] ?? '');
    const mention = makeMention(text, 'PERSON', start, start + (m[1]?.length ?? 0), 'rules', 0.8);
    if (mention) out.push(mention);
  }
  return out;
}

const COUNSEL_CUE = /\b(?:Attorneys?|ATTORNEYS?|Counsel|COUNSEL|Lawyers?|Solicitors?)[ \t\u00a0]+(?:for|to|FOR|TO)\b[^\n]{0,80}/;
const SIGNED_RE = new RegExp(String.raw`/s/[ \t\u00a0]*(${PERSON})`, 'g');
const BAR_NO_RE = new RegExp(
  String.raw`(${PERSON})[ \t\u00a0]*\((?:[A-Z]{2}[ \t\u00a0]+)?(?:(?:State[ \t\u00a0]+)?Bar[ \t\u00a0]+)?(?:No\.|Number|#|SBN|I\.D\.)[ \t\u00a0]*:?[ \t\u00a0]*[\d-]+\)`,
  'g',
);

/** Signature blocks of filings: "/s/ Name" and "Name (Bar No. 123)" followed by "Attorneys for …". */
export function recogniseSignatureLawyers(text: string): Mention[] {
  const out: Mention[] = [];
  for (const re of [SIGNED_RE, BAR_NO_RE]) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const cue = COUNSEL_CUE.exec(text.slice(m.index, m.index + m[0].length + 400));
      if (!cue) continue;
      const start = m.index + m[0].indexOf(m[1] ?? '');
      const forWhom = actsFor(cue[0].replace(/^\S+[ \t\u00a0]+/, ''));
      const mention = makeMention(text, 'LAWYER', start, start + (m[1]?.length ?? 0), 'rules', 0.85, forWhom);
      if (mention) out.push(mention);
    }
  }
  return out;
}
