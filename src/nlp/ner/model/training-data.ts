/**
 * The four training corpora of ../shared/ner-train (or any folder of the same layout) as labelled
 * documents, and the fixed train / dev / test split the model is trained, tuned and reported on.
 *
 * Tags are mapped to PERSON / ORG / LOCATION, and MISC (wikigold, SEC) plus WNUT17 product and
 * creative-work to OTHER; IOB1 (SEC, wikigold) is normalised to BIO. Each document's text is its
 * sentences detokenised by conll.ts and joined with a space (wikigold, SEC) — tweets are one document each.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseConll, type LabelledSentence } from '../conll.ts';
import type { EntityType } from '../types.ts';

export type Corpus = 'sec' | 'wikigold' | 'btc' | 'wnut17';
export type Split = 'train' | 'dev' | 'test';

export interface LabelledDocument {
  corpus: Corpus;
  /** Stable name: file and position, e.g. `wikigold#12`. */
  id: string;
  sentences: LabelledSentence[];
}

const TYPE: Record<string, EntityType> = {
  PER: 'PERSON',
  ORG: 'ORG',
  LOC: 'LOCATION',
  MISC: 'OTHER',
  person: 'PERSON',
  location: 'LOCATION',
  corporation: 'ORG',
  group: 'ORG',
  product: 'OTHER',
  'creative-work': 'OTHER',
};

/** Rewrites one CoNLL block (token … tag) to `token TAG` lines in BIO with docpipe's entity types. */
function normaliseTags(lines: readonly string[]): string[] {
  const out: string[] = [];
  let prev = 'O';
  for (const line of lines) {
    if (!line.trim()) {
      out.push('');
      prev = 'O';
      continue;
    }
    const cols = line.trim().split(/\s+/);
    const raw = cols.at(-1) ?? 'O';
    const m = /^([BI])-(.+)$/.exec(raw);
    const type = m ? TYPE[m[2] ?? ''] : undefined;
    let tag = 'O';
    // BTC tags a handle's '@' as an entity of its own ("@ B-PER, colgo B-PER"): the name is the entity
    if (m && type && cols[0] !== '@') {
      // IOB1 and BIO alike: an I- tag after another type (or O) starts an entity
      const begins = m[1] === 'B' || prev !== type;
      tag = `${begins ? 'B' : 'I'}-${type}`;
    }
    prev = tag === 'O' ? 'O' : (type ?? 'O');
    out.push(`${cols[0] ?? ''} ${tag}`);
  }
  return out;
}

/** Splits a file at `-DOCSTART-` lines (or into one document per sentence) and parses each part. */
function readCorpusFile(file: string, corpus: Corpus, perSentence: boolean): LabelledDocument[] {
  const lines = readFileSync(file, 'utf8').split(/\r?\n/);
  const parts: string[][] = [[]];
  for (const line of lines) {
    if (line.startsWith('-DOCSTART-')) parts.push([]);
    else parts.at(-1)!.push(line);
  }
  const name = path.basename(file);
  const docs: LabelledDocument[] = [];
  for (const part of parts) {
    const sentences = parseConll(normaliseTags(part).join('\n'));
    if (sentences.length === 0) continue;
    if (perSentence) {
      for (const s of sentences) docs.push({ corpus, id: `${name}#${docs.length}`, sentences: [s] });
    } else {
      docs.push({ corpus, id: `${name}#${docs.length}`, sentences });
    }
  }
  return docs;
}

/** SEC filings are five long agreements: blocks of this many sentences are the unit of the split. */
const SEC_BLOCK = 25;

function blocks(docs: LabelledDocument[], size: number): LabelledDocument[] {
  return docs.flatMap((d) => {
    const out: LabelledDocument[] = [];
    for (let i = 0; i < d.sentences.length; i += size) out.push({ ...d, id: `${d.id}@${i}`, sentences: d.sentences.slice(i, i + size) });
    return out;
  });
}

/** FNV-1a of a string: the split is a pure function of a document's id. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** The split: SEC test/FIN3 is test; otherwise hash(id) mod 10 = 0 is test, 1 is dev, the rest train. */
export function splitOf(doc: LabelledDocument): Split {
  if (doc.id.startsWith('FIN3')) return 'test';
  const r = fnv1a(doc.id) % 10;
  return r === 0 ? 'test' : r === 1 ? 'dev' : 'train';
}

/** Every labelled document of the training folder, in a fixed order. */
export function readTrainingData(dir: string): LabelledDocument[] {
  const at = (...p: string[]) => path.join(dir, ...p);
  const docs: LabelledDocument[] = [
    ...blocks(readCorpusFile(at('SEC-filings', 'train', 'FIN5.txt'), 'sec', false), SEC_BLOCK),
    ...blocks(readCorpusFile(at('SEC-filings', 'test', 'FIN3.txt'), 'sec', false), SEC_BLOCK),
    ...readCorpusFile(at('wikigold', 'wikigold.conll.txt'), 'wikigold', false),
  ];
  for (const section of ['a', 'b', 'e', 'f', 'g', 'h']) docs.push(...readCorpusFile(at('BTC', `${section}.conll`), 'btc', true));
  docs.push(...readCorpusFile(at('WNUT17', 'train', 'wnut17train.conll'), 'wnut17', true));
  docs.push(...readCorpusFile(at('WNUT17', 'dev', 'emerging.dev.conll'), 'wnut17', true));
  return docs;
}

/** Document text and gold entities with offsets into it (sentences joined by one space). */
export function documentText(doc: LabelledDocument): { text: string; entities: Array<{ type: EntityType; start: number; end: number }> } {
  let text = '';
  const entities: Array<{ type: EntityType; start: number; end: number }> = [];
  for (const s of doc.sentences) {
    if (text) text += ' ';
    const base = text.length;
    text += s.text;
    for (const e of s.entities) entities.push({ type: e.type, start: base + e.start, end: base + e.end });
  }
  return { text, entities };
}
