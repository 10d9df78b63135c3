/**
 * Re-flowing broken paragraphs: how two consecutive body lines are joined in the cleaned text.
 * - `hyphen`: a word broken across the line end ("Okla-" + "homa") is rejoined without the hyphen;
 * - `space`: the line continues the previous one (same paragraph);
 * - `line`: a line break is kept (headings, list items, short lines, captions);
 * - `paragraph`: a blank line separates paragraphs.
 */
export type Join = 'hyphen' | 'space' | 'line' | 'paragraph';

export interface JoinContext {
  /** Blank lines between the two lines in the raw text. */
  blanks: number;
  /** The lines are on different pages. */
  pageBreak: boolean;
  /** The page is double-spaced (blank lines between most lines carry no meaning). */
  doubleSpaced: boolean;
  /** Typical full line width of the document, in characters. */
  width: number;
}

const TERMINAL = /[.!?:;]["')\]]*$/;
const LIST_START =
  /^(?:\(?(?:[0-9]{1,3}|[a-zA-Z]|[ivxlcIVXLC]{1,6})[.)]\s|\(\s?(?:[0-9]{1,3}|[a-zA-Z]|[ivxlc]{1,6})\)\s?|[•▪●◦*-]\s|(?:ARTICLE|Article|SECTION|Section|§)\s*[0-9IVXL]+|Exhibit\s+[A-Z0-9]\b)/;

function isCapsHeading(text: string): boolean {
  const letters = text.replace(/[^A-Za-z]/g, '');
  return letters.length >= 2 && letters === letters.toUpperCase() && text.length <= 90;
}

/** A line that starts something of its own: a list item, a numbered section, a heading. */
function startsBlock(text: string): boolean {
  return LIST_START.test(text) || isCapsHeading(text) || (/^[A-Z][A-Za-z-]*(?: [A-Za-z-]+){0,3}:\s/.test(text) && text.length < 60);
}

const CAPTION_VERSUS = /^(?:v\.?|vs\.?|versus|-\s?v\.?\s?-)$/i;

export function decideJoin(prev: string, next: string, ctx: JoinContext): Join {
  const long = prev.length >= ctx.width * 0.7;
  const terminal = TERMINAL.test(prev);
  if (/[A-Za-z][-\u00AD\u2010]$/.test(prev) && !/--$/.test(prev) && /^[a-z]/.test(next) && ctx.blanks <= 2) return 'hyphen';
  if (CAPTION_VERSUS.test(next) || CAPTION_VERSUS.test(prev)) return 'line';
  // an unfinished sentence goes on, across a blank line or a page break too
  const lowerStart = /^[a-z]/.test(next) && !/^\(?[a-z]\)|^[ivx]+\.\s/.test(next);
  const initial = /^[A-Z]\.\s/.test(next);
  if (!terminal && ctx.blanks <= 2 && (lowerStart || (long && (initial || !startsBlock(next))))) return 'space';
  if (ctx.blanks > 0 && !ctx.doubleSpaced && !ctx.pageBreak) return 'paragraph';
  if (startsBlock(next) || isCapsHeading(prev)) return ctx.pageBreak || ctx.blanks > 0 ? 'paragraph' : 'line';
  if (lowerStart && !(terminal && !long)) return 'space';
  if (ctx.pageBreak || ctx.blanks > 0 || (terminal && !long)) return 'paragraph';
  return 'line';
}
