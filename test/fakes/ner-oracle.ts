/**
 * The perfect-model oracle for the LLM NER path: labelled sentences composed into documents, a
 * responder for the fake OpenAI server that answers every NER request with the exact gold entities
 * of each chunk (in the richest form the request's schema allows), seeded fault injection, and
 * entity-level F1 of what the ner stage stored in neo4j_entity_mentions.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { evaluate, parseConll, type GoldEntity, type LabelledSentence, type Scores } from '../../src/nlp/ner/conll.ts';
import type { Sql } from '../../src/store/db.ts';
import { documentOf, type ChatRequestBody, type FakeAnswer } from './openai-server.ts';
import { random } from '../../src/nlp/ner/model/perceptron.ts';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/ner');

export interface OracleDocument {
  name: string;
  text: string;
  gold: GoldEntity[];
}

/** A small seeded PRNG (mulberry32, the model trainer's): the same seed gives the same documents and faults. */
export const prng = random;

export function labelledSentences(): LabelledSentence[] {
  return ['legal-sentences.conll', 'llm-ambiguous.conll'].flatMap((f) => parseConll(readFileSync(path.join(FIXTURES, f), 'utf8')));
}

/** `count` documents of `perDoc` sentences drawn (seeded) from the labelled set, with gold offsets in the document. */
export function composeDocuments(sentences: readonly LabelledSentence[], count: number, perDoc: number, seed: number): OracleDocument[] {
  const rand = prng(seed);
  const docs: OracleDocument[] = [];
  for (let d = 0; d < count; d++) {
    let text = '';
    const gold: GoldEntity[] = [];
    for (let i = 0; i < perDoc; i++) {
      const s = sentences[Math.floor(rand() * sentences.length)]!;
      if (text) text += rand() < 0.3 ? '\n\n' : ' ';
      for (const e of s.entities) gold.push({ type: e.type, start: text.length + e.start, end: text.length + e.end });
      text += s.text;
    }
    docs.push({ name: `oracle-${seed}-${d}.txt`, text, gold });
  }
  return docs;
}

const WORD_BOUNDED = (value: string) => new RegExp(`(?<![\\w])${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w])`, 'g');

interface ItemSchema {
  properties?: Record<string, unknown>;
}

/** The gold entities lying wholly inside each `<chunk id="N">` of an NER request, as the schema asks for them. */
export function oracleAnswer(body: ChatRequestBody, docs: readonly OracleDocument[]): { entities: Array<Record<string, unknown>> } {
  const items = (body.response_format?.json_schema?.schema as { properties?: { entities?: { items?: ItemSchema } } } | undefined)
    ?.properties?.entities?.items;
  const withOccurrence = Boolean(items?.properties?.['occurrence']);
  const entities: Array<Record<string, unknown>> = [];
  for (const m of documentOf(body).matchAll(/<chunk id="(\d+)">\n([\s\S]*?)\n<\/chunk>/g)) {
    const chunk = Number(m[1]);
    const text = m[2]!;
    for (const doc of docs) {
      const at = doc.text.indexOf(text);
      if (at < 0) continue;
      for (const g of doc.gold) {
        if (g.start < at || g.end > at + text.length) continue;
        const value = doc.text.slice(g.start, g.end);
        const entity: Record<string, unknown> = { chunk, text: value, type: g.type };
        if (withOccurrence) {
          const starts = [...text.matchAll(WORD_BOUNDED(value))].map((x) => x.index);
          entity['occurrence'] = starts.indexOf(g.start - at) + 1;
        }
        entities.push(entity);
      }
      break;
    }
  }
  return { entities };
}

export type Fault = 'malformed' | '429' | '500';

/** The oracle as a fake-server responder: NER requests get gold entities (the second pass: none missed). */
export function oracleResponder(docs: readonly OracleDocument[]): (body: ChatRequestBody) => FakeAnswer {
  return (body) => {
    const name = body.response_format?.json_schema?.name ?? '';
    if (name === 'legal_entities_missed') return { entities: [] };
    if (name.startsWith('legal_entities')) return oracleAnswer(body, docs);
    return {};
  };
}

/** Gold and stored mentions of the documents, in document offsets. */
export async function storedMentions(sql: Sql, documentUuid: string): Promise<Array<GoldEntity & { method: string }>> {
  const rows = await sql<Array<{ entity_type: string; offset_start: number; offset_end: number; char_start: number; method: string }>>`
    SELECT m.entity_type, m.offset_start, m.offset_end, c.char_start, m.method
    FROM neo4j_entity_mentions m JOIN neo4j_chunks c ON c.id = m.chunk_id WHERE m.document_uuid = ${documentUuid}`;
  return rows.map((r) => ({
    type: r.entity_type as GoldEntity['type'],
    start: r.char_start + r.offset_start,
    end: r.char_start + r.offset_end,
    method: r.method,
  }));
}

export interface OracleScore {
  overall: Scores;
  /** Gold spans missed where a rules mention (not the LLM's) took an overlapping span. */
  displacedByRules: number;
  /** Documents the stage gave up on (all their gold counts as missed). */
  failedDocuments: number;
  /** Scores with the rule-displaced gold spans (and the rule spans over them) set aside: the LLM spans as stored. */
  llm: Scores;
  /** Each miss and false hit, `FN TYPE "text"` / `FP TYPE "text" (method)`, for diagnosis. */
  errors: string[];
}

export function score(
  docs: readonly OracleDocument[],
  stored: ReadonlyArray<ReadonlyArray<GoldEntity & { method: string }>>,
  failedDocuments: number,
): OracleScore {
  const { overall } = evaluate(
    docs.map((d) => d.gold),
    stored.map((p) => [...p]),
  );
  let displacedByRules = 0;
  const errors: string[] = [];
  const keptGold: GoldEntity[][] = [];
  const keptStored: GoldEntity[][] = [];
  const same = (a: GoldEntity, b: GoldEntity) => a.start === b.start && a.end === b.end && a.type === b.type;
  docs.forEach((d, i) => {
    const p = stored[i] ?? [];
    const displaced: GoldEntity[] = [];
    for (const e of d.gold) {
      if (p.some((x) => same(x, e))) continue;
      errors.push(`FN ${e.type} "${d.text.slice(e.start, e.end)}"`);
      if (p.some((x) => x.method !== 'llm' && x.start < e.end && e.start < x.end)) displaced.push(e);
    }
    displacedByRules += displaced.length;
    keptGold.push(d.gold.filter((e) => !displaced.includes(e)));
    keptStored.push(p.filter((x) => x.method === 'llm' || !displaced.some((e) => x.start < e.end && e.start < x.end)));
    for (const x of p) if (!d.gold.some((e) => same(x, e))) errors.push(`FP ${x.type} "${d.text.slice(x.start, x.end)}" (${x.method})`);
  });
  return { overall, llm: evaluate(keptGold, keptStored).overall, displacedByRules, failedDocuments, errors };
}
