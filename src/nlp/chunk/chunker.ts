/**
 * Structure-aware chunking: section/heading/numbered-paragraph boundaries first, then a token
 * budget with overlap. Chunks are spans of the cleaned text (`text.slice(start, end)` is the chunk),
 * trimmed of surrounding whitespace.
 */
import { splitBlocks, type Block } from './blocks.ts';
import { countTokens, tokenStarts } from './tokens.ts';

export interface ChunkOptions {
  maxTokens: number;
  overlapTokens: number;
  /** A heading starts a new chunk only when the current one has at least this many tokens. */
  minTokens: number;
}

export const DEFAULT_CHUNK_OPTIONS: ChunkOptions = { maxTokens: 512, overlapTokens: 64, minTokens: 64 };

export interface ChunkSpan {
  index: number;
  start: number;
  end: number;
  tokens: number;
  /** Why the chunk ended: at a heading, the token budget, or the end of the text. */
  boundary: 'heading' | 'budget' | 'end';
  /** The section heading in force at the chunk's start, if any. */
  heading?: string;
  /** Characters shared with the previous chunk. */
  overlap: number;
}

interface Draft {
  start: number;
  end: number;
  tokens: number;
}

/** Start offset of the last `n` tokens of text[start, end), snapped to a sentence start when one is near. */
function overlapStart(text: string, start: number, end: number, n: number): number {
  if (n <= 0) return end;
  const tokens = tokenStarts(text, start, end);
  let sum = 0;
  let i = tokens.length;
  while (i > 0 && sum < n) sum += tokens[--i]![1];
  if (i <= 0) return end; // the whole chunk would repeat: no overlap
  const at = tokens[i]![0];
  // prefer a sentence start within the window
  const window = text.slice(at, end);
  const sentence = /[.!?;]["')\]]*\s+(?=[A-Z("])/.exec(window);
  if (sentence && at + sentence.index + sentence[0].length < end - 1) return at + sentence.index + sentence[0].length;
  return at;
}

/** Splits an oversized span at sentence ends, then word starts, so each piece fits the budget. */
function splitLong(text: string, start: number, end: number, max: number): Draft[] {
  const pieces: Draft[] = [];
  const tokens = tokenStarts(text, start, end);
  let pieceStart = start;
  let sum = 0;
  let lastSentenceCut = -1;
  for (let i = 0; i < tokens.length; i++) {
    const [pos, w] = tokens[i]!;
    if (sum + w > max && pos > pieceStart) {
      const cut = lastSentenceCut > pieceStart ? lastSentenceCut : pos;
      pieces.push({ start: pieceStart, end: cut, tokens: 0 });
      pieceStart = cut;
      sum = countTokens(text.slice(cut, pos));
      lastSentenceCut = -1;
    }
    sum += w;
    const ch = text[pos];
    if ((ch === '.' || ch === '!' || ch === '?') && /\s/.test(text[pos + 1] ?? '')) lastSentenceCut = pos + 1;
  }
  pieces.push({ start: pieceStart, end, tokens: 0 });
  return pieces;
}

function trim(text: string, start: number, end: number): [number, number] {
  while (start < end && /\s/.test(text[start]!)) start++;
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  return [start, end];
}

export function chunkText(text: string, options: Partial<ChunkOptions> = {}): ChunkSpan[] {
  const opts = { ...DEFAULT_CHUNK_OPTIONS, ...options };
  const max = Math.max(16, Math.floor(opts.maxTokens));
  const overlap = Math.max(0, Math.min(Math.floor(opts.overlapTokens), Math.floor(max / 2)));
  const blocks = splitBlocks(text);
  const out: ChunkSpan[] = [];
  let heading: string | undefined;
  let currentHeading: string | undefined;
  let cur: Draft | undefined;
  let prevEnd = -1;

  const emit = (d: Draft, boundary: ChunkSpan['boundary']): void => {
    const [s, e] = trim(text, d.start, d.end);
    if (e <= s) return;
    out.push({
      index: out.length,
      start: s,
      end: e,
      tokens: countTokens(text.slice(s, e)),
      boundary,
      ...(currentHeading ? { heading: currentHeading } : {}),
      overlap: prevEnd > s ? prevEnd - s : 0,
    });
    prevEnd = e;
  };
  const startDraft = (b: Pick<Block, 'start' | 'end' | 'tokens'>): Draft => {
    currentHeading = heading;
    return { start: b.start, end: b.end, tokens: b.tokens };
  };

  for (const b of blocks) {
    if (b.heading && cur && cur.tokens >= opts.minTokens) {
      emit(cur, 'heading');
      cur = undefined;
    }
    if (b.heading) heading = text.slice(b.start, b.end);
    if (b.tokens > max) {
      if (cur) {
        emit(cur, 'budget');
        cur = undefined;
      }
      const pieces = splitLong(text, b.start, b.end, max - overlap);
      pieces.forEach((p, i) => {
        const s = i > 0 ? overlapStart(text, pieces[i - 1]!.start, pieces[i - 1]!.end, overlap) : p.start;
        currentHeading = heading;
        emit({ start: Math.min(s, p.start), end: p.end, tokens: 0 }, i === pieces.length - 1 ? 'budget' : 'budget');
      });
      continue;
    }
    if (cur && cur.tokens + b.tokens > max) {
      emit(cur, 'budget');
      const ov = overlapStart(text, cur.start, cur.end, overlap);
      const ovTokens = ov < cur.end ? countTokens(text.slice(ov, cur.end)) : 0;
      cur = ovTokens > 0 && ovTokens + b.tokens <= max ? { start: ov, end: b.end, tokens: ovTokens + b.tokens } : startDraft(b);
      if (cur.start === ov) currentHeading = heading;
      continue;
    }
    if (!cur) cur = startDraft(b);
    else {
      cur.end = b.end;
      cur.tokens += b.tokens;
    }
  }
  if (cur) emit(cur, 'end');
  else if (out.length > 0) out[out.length - 1]!.boundary = 'end';
  return out;
}
