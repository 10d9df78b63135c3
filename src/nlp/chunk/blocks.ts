/** Structural blocks of cleaned text: lines grouped into paragraphs, with headings recognised. */
import { countTokens } from './tokens.ts';

export interface Block {
  start: number;
  end: number;
  tokens: number;
  heading: boolean;
}

const HEADING = [
  /^(?:ARTICLE|Article)\s+[IVXLC\d]+\b/,
  /^(?:SECTION|Section|§)\s*\d+(?:\.\d+)*\.?\s/,
  /^(?:[IVXLC]+|[A-Z]|\d{1,2})\.\s+[A-Z][^.]{0,80}$/,
  /^[A-Z][A-Z0-9 ,.'&:;()-]{2,80}$/,
  /^(?:Introduction|Background|Discussion|Analysis|Conclusion|Standard of Review|Facts|Argument|Summary|Recitals|Definitions)\s*$/,
];
/** A numbered paragraph ("12. At all relevant times…") starts a block of its own. */
const NUMBERED = /^(?:\d{1,3}\.|\([a-z0-9]{1,4}\)|[a-z]\))\s/;

export function isHeading(line: string): boolean {
  const t = line.trim();
  return t.length > 0 && t.length <= 100 && /[A-Za-z]/.test(t) && HEADING.some((re) => re.test(t));
}

/** Splits text into blocks: a paragraph (up to a blank line), a heading line, or a numbered paragraph. */
export function splitBlocks(text: string): Block[] {
  const blocks: Block[] = [];
  let blockStart = -1;
  let blockEnd = -1;
  const flush = (heading = false): void => {
    if (blockStart >= 0 && blockEnd > blockStart)
      blocks.push({ start: blockStart, end: blockEnd, tokens: countTokens(text.slice(blockStart, blockEnd)), heading });
    blockStart = blockEnd = -1;
  };
  let at = 0;
  for (const line of text.split('\n')) {
    const s = at;
    const e = at + line.length;
    at = e + 1;
    const lead = line.length - line.trimStart().length;
    const t = line.trim();
    if (!t) {
      flush();
      continue;
    }
    const ls = s + lead;
    const le = ls + t.length;
    if (isHeading(t)) {
      flush();
      blockStart = ls;
      blockEnd = le;
      flush(true);
      continue;
    }
    if (NUMBERED.test(t)) flush();
    if (blockStart < 0) blockStart = ls;
    blockEnd = le;
  }
  flush();
  return blocks;
}
