/**
 * Dates, money and durations from wink-nlp. Exactly one winkNLP(model) instance per process: it is
 * created lazily, on first use, and shared.
 */
import winkNLP, { type ItemEntity, type WinkMethods } from 'wink-nlp';
import model from 'wink-eng-lite-web-model';
import { makeMention, type EntityType, type Mention } from './types.ts';

let instance: WinkMethods | undefined;

export function wink(): WinkMethods {
  instance ??= winkNLP(model);
  return instance;
}

const TYPES: Record<string, EntityType> = { DATE: 'DATE', MONEY: 'MONEY', DURATION: 'DATE' };
const LEADING_WORDS =
  /^(?:(?:by|on|in|from|until|till|to|of|at|for|within|after|before|the|and|or|no later than|not later than|dated)\s+)+/i;

/** Char offset of every token, found by scanning the text (wink keeps the token text verbatim). */
function tokenOffsets(text: string, tokens: string[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let at = 0;
  for (const t of tokens) {
    const i = text.indexOf(t, at);
    if (i < 0) {
      out.push([at, at]);
      continue;
    }
    out.push([i, i + t.length]);
    at = i + t.length;
  }
  return out;
}

/** Words before a bare year that make it the date of something ("filed in 2018", "since 2015"). */
const EVENT_YEAR_BEFORE = /\b(?:in|since|during|until|till|by|before|after|from|year|between|and|to)\s+$/i;

/** "registered in 2014" is a date; "of 2018", "512/2016", "(2014)" and "Act, 1996" are parts of numbers and names. */
function isEventYear(text: string, start: number, end: number): boolean {
  if (/^[/)\]-]/.test(text.slice(end, end + 1)) || /[/([-]$/.test(text.slice(start - 1, start))) return false;
  return EVENT_YEAR_BEFORE.test(text.slice(Math.max(0, start - 12), start));
}

export function recogniseWithWink(text: string): Mention[] {
  const w = wink();
  const its = w.its;
  const doc = w.readDoc(text);
  const tokens = doc.tokens().out(its.value) as string[];
  const offsets = tokenOffsets(text, tokens);
  const out: Mention[] = [];
  doc.entities().each((e: ItemEntity) => {
    const type = TYPES[e.out(its.type) as string];
    if (!type) return;
    const [a, b] = e.out(its.span) as unknown as [number, number];
    const s0 = offsets[a]?.[0];
    const e0 = offsets[b]?.[1];
    if (s0 === undefined || e0 === undefined || e0 <= s0) return;
    const lead = LEADING_WORDS.exec(text.slice(s0, e0));
    const mention = makeMention(text, type, s0 + (lead ? lead[0].length : 0), e0, 'wink', 0.8);
    if (!mention || !/\d|[A-Z]/.test(mention.value)) return;
    // a bare number is a date only when it reads as a year, and a bare year only as the date of an event
    if (/^\d+$/.test(mention.value) && !(/^(?:1[89]|20)\d\d$/.test(mention.value) && isEventYear(text, mention.start, mention.end))) return;
    out.push(mention);
  });
  return out;
}
