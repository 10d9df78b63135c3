/**
 * Cleans extracted text while keeping meaning and provenance: character normalisation, ECF stamps,
 * page numbers, pleading line numbers, running headers/footers, rules and caption brackets removed
 * from the body (and reported), hyphenated words rejoined, broken paragraphs re-flowed. Returns the
 * cleaned text, where each page starts in it, and a compact map back to raw offsets.
 */
import { CleanBuilder, toRawOffset, type Segment } from './builder.ts';
import { removeEcfStamps, type EcfStamp } from './ecf.ts';
import {
  removeLineNumbers,
  removePageNumbers,
  removeRepeatedLines,
  removeRulesAndBrackets,
  type RemovedLine,
  type RepeatedLine,
} from './furniture.ts';
import { lineContent, splitPages, type RawLine } from './lines.ts';
import { decideJoin } from './reflow.ts';

export type { Segment } from './builder.ts';
export type { EcfStamp } from './ecf.ts';

const CLEANER_VERSION = 1;

export interface PageStart {
  /** 1-based page number. */
  page: number;
  clean_start: number;
  raw_start: number;
}

export interface CleaningMetadata {
  version: number;
  raw_length: number;
  clean_length: number;
  page_count: number;
  pages: PageStart[];
  ecf_stamps: EcfStamp[];
  headers_footers: RepeatedLine[];
  page_numbers: RemovedLine[];
  line_numbers_removed: number;
  rules_removed: number;
  hyphenations_joined: number;
  /** `[cleanStart, rawStart, length]` runs: clean[cleanStart+k] came from raw[rawStart+k]. */
  offset_map: Segment[];
}

export interface CleanResult {
  text: string;
  metadata: CleaningMetadata;
}

interface BodyLine {
  line: RawLine;
  pieces: Array<[number, number]>;
  text: string;
  blanksBefore: number;
  pageBreakBefore: boolean;
}

function typicalWidth(lengths: number[]): number {
  const sorted = lengths.filter((n) => n >= 20).sort((a, b) => a - b);
  if (sorted.length === 0) return 60;
  return Math.max(40, sorted[Math.floor(sorted.length * 0.9)] ?? 60);
}

export function cleanText(raw: string): CleanResult {
  const pages = splitPages(raw);
  const ecfStamps = removeEcfStamps(raw, pages);
  const rulesRemoved = removeRulesAndBrackets(raw, pages);
  const lineNumbers = removeLineNumbers(raw, pages);
  const repeated = removeRepeatedLines(raw, pages);
  const pageNumbers = removePageNumbers(raw, pages);

  // the body: content lines with the blank lines before them
  const body: BodyLine[] = [];
  const doubleSpaced = new Map<number, boolean>();
  for (const page of pages) {
    let blanks = 0;
    let contentCount = 0;
    let blankCount = 0;
    let first = true;
    for (const line of page.lines) {
      if (line.removed) continue;
      const pieces = lineContent(raw, line);
      if (pieces.length === 0) {
        if (line.cuts.length === 0) {
          blanks++;
          blankCount++;
        }
        continue;
      }
      const text = pieces
        .map(([s, e]) => raw.slice(s, e))
        .join(' ')
        .replace(/\s+/g, ' ');
      body.push({ line, pieces, text, blanksBefore: first ? 0 : blanks, pageBreakBefore: first && page.index > 0 });
      contentCount++;
      blanks = 0;
      first = false;
    }
    doubleSpaced.set(page.index, contentCount >= 6 && blankCount >= contentCount * 0.6);
  }
  const width = typicalWidth(body.map((b) => b.text.length));

  const out = new CleanBuilder(raw);
  const pageStarts: PageStart[] = [];
  let hyphenations = 0;
  let prev: BodyLine | undefined;
  for (const cur of body) {
    if (prev) {
      const join = decideJoin(prev.text, cur.text, {
        blanks: cur.blanksBefore,
        pageBreak: cur.line.page !== prev.line.page,
        doubleSpaced: doubleSpaced.get(cur.line.page) ?? false,
        width,
      });
      if (join === 'hyphen') {
        if (out.endsWith('-')) out.truncate(1); // a soft hyphen is already gone
        hyphenations++;
      } else out.insert(join === 'space' ? ' ' : join === 'line' ? '\n' : '\n\n');
    }
    if (pageStarts.length === 0 || pageStarts[pageStarts.length - 1]!.page !== cur.line.page + 1) {
      // pages with no body text get no entry; chunk page spans use the nearest preceding start
      pageStarts.push({ page: cur.line.page + 1, clean_start: out.length, raw_start: cur.pieces[0]![0] });
    }
    cur.pieces.forEach(([s, e], i) => {
      if (i > 0) out.insert(' ');
      out.copy(s, e);
    });
    prev = cur;
  }

  const text = out.toString();
  return {
    text,
    metadata: {
      version: CLEANER_VERSION,
      raw_length: raw.length,
      clean_length: text.length,
      page_count: pages.length,
      pages: pageStarts,
      ecf_stamps: ecfStamps,
      headers_footers: repeated,
      page_numbers: pageNumbers,
      line_numbers_removed: lineNumbers,
      rules_removed: rulesRemoved,
      hyphenations_joined: hyphenations,
      offset_map: out.segments,
    },
  };
}

/** The 1-based page a cleaned-text offset falls on. */
export function pageAt(pages: readonly PageStart[], offset: number): number {
  let page = pages[0]?.page ?? 1;
  for (const p of pages) {
    if (p.clean_start > offset) break;
    page = p.page;
  }
  return page;
}

/** Raw offset of a cleaned-text offset (convenience over the metadata). */
export function rawOffsetOf(metadata: Pick<CleaningMetadata, 'offset_map'>, cleanOffset: number): number {
  return toRawOffset(metadata.offset_map, cleanOffset);
}
