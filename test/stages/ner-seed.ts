/**
 * Seeds the store the way the chunking stage leaves it (source_documents, neo4j_documents,
 * overlapping neo4j_chunks) from a text, for the ner/resolution/relationships stage tests.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { simpleParser } from 'mailparser';
import type { ProvidersConfig } from '../../src/config/types.ts';
import { LocalFileSource } from '../../src/providers/files.ts';
import type { LlmClient, Providers } from '../../src/providers/types.ts';
import type { Sql } from '../../src/store/db.ts';
import ner from '../../stages/ner.ts';
import relationships from '../../stages/relationships.ts';
import resolution from '../../stages/resolution.ts';
import { createTestContext } from '../../src/testing/index.ts';

export const CORPUS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/corpus');

export interface SeededDocument {
  documentUuid: string;
  docId: number;
  chunkCount: number;
  text: string;
}

/** Overlapping chunks cut at whitespace: [start, end) pairs. */
export function chunkSpans(text: string, size: number, overlap: number): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(text.length, start + size);
    if (end < text.length) {
      const ws = text.lastIndexOf(' ', end);
      if (ws > start + size / 2) end = ws;
    }
    spans.push([start, end]);
    if (end >= text.length) break;
    let next = Math.max(start + 1, end - overlap);
    const ws = text.indexOf(' ', next);
    if (ws > 0 && ws < end) next = ws + 1;
    start = next;
  }
  return spans;
}

export async function seedDocument(
  sql: Sql,
  options: { name: string; text: string; size?: number; overlap?: number; metadata?: Record<string, unknown>; projectId?: number },
): Promise<SeededDocument> {
  const documentUuid = randomUUID();
  const [src] = await sql<Array<{ id: string }>>`
    INSERT INTO source_documents (document_uuid, file_name, file_path, project_id, raw_extracted_text)
    VALUES (${documentUuid}, ${options.name}, ${'/corpus/' + options.name}, ${options.projectId ?? null}, ${options.text}) RETURNING id`;
  const [doc] = await sql<Array<{ id: string }>>`
    INSERT INTO neo4j_documents (document_uuid, source_document_id, project_id, name, cleaned_text, metadata_json)
    VALUES (${documentUuid}, ${src!.id}, ${options.projectId ?? null}, ${options.name}, ${options.text}, ${sql.json(JSON.parse(JSON.stringify(options.metadata ?? {})))}) RETURNING id`;
  const docId = Number(doc!.id);
  const spans = chunkSpans(options.text, options.size ?? 1500, options.overlap ?? 200);
  const rows = spans.map(([s, e], i) => ({
    chunk_uuid: randomUUID(),
    document_id: docId,
    document_uuid: documentUuid,
    chunk_index: i,
    text: options.text.slice(s, e),
    char_start: s,
    char_end: e,
  }));
  if (rows.length) await sql`INSERT INTO neo4j_chunks ${sql(rows)}`;
  return { documentUuid, docId, chunkCount: rows.length, text: options.text };
}

/** The body text of an e-mail of the corpus (HTML converted to text by mailparser). */
export async function emailBody(file: string): Promise<string> {
  const parsed = await simpleParser(readFileSync(path.join(CORPUS, file)));
  const text = parsed.text?.trim() ? parsed.text : htmlToText(typeof parsed.html === 'string' ? parsed.html : '');
  return text.replace(/\r\n/g, '\n');
}

/** A rough HTML-to-text for e-mails with no text part: block tags become line breaks. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style|head)[^>]*>[\s\S]*?<\/\1>/gi, '')
    .replace(/<br\s*\/?>|<\/(?:p|div|tr|h\d|li|table)>/gi, '\n')
    .replace(/<\/td>/gi, ' ')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#(\d+);/g, (_m, d: string) => String.fromCharCode(Number(d)))
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n');
}

export function corpusText(file: string): string {
  return readFileSync(path.join(CORPUS, file), 'utf8').replace(/\r\n/g, '\n');
}

const SETTINGS: ProvidersConfig = {
  ocr: { provider: 'local', workers: 1, region: 'us-east-1', max_pages: 10 },
  llm: { provider: 'local', model: 'fake', api_key_env: 'OPENAI_API_KEY', concurrency: 2, timeoutMs: 10_000 },
  transcription: { provider: 'none', model: 'whisper-1', api_key_env: 'OPENAI_API_KEY' },
};

/** Providers for the entity stages: no files are read; an LLM only when given. */
export function entityProviders(llm?: LlmClient): Providers {
  return { settings: SETTINGS, files: new LocalFileSource({ allowedRoots: [CORPUS], maxBytes: 1 << 20 }), llm, transcriber: undefined };
}

/** LLM settings pointing at a (fake) OpenAI-compatible server. */
export function fakeLlmSettings(baseURL: string): ProvidersConfig['llm'] {
  return { ...SETTINGS.llm, provider: 'openai', base_url: baseURL, model: 'fake' };
}

/** Runs ner and resolution on a seeded document (and relationships after them when asked), as the pipeline would. */
export async function runEntityStages(sql: Sql, doc: SeededDocument, options: { relationships?: boolean } = {}) {
  const providers = entityProviders();
  const m1 = { document_uuid: doc.documentUuid, neo4j_doc_sql_id: doc.docId, chunk_count: doc.chunkCount };
  const o1 = await ner.run(m1, createTestContext({ store: { sql }, providers, msg: m1, stage: 'ner' }));
  const m2 = { document_uuid: doc.documentUuid, neo4j_doc_sql_id: doc.docId, mention_count: o1['mention_count'] as number };
  const o2 = await resolution.run(m2, createTestContext({ store: { sql }, providers, msg: m2, stage: 'resolution' }));
  const m3 = { document_uuid: doc.documentUuid, neo4j_doc_sql_id: doc.docId, canonical_count: o2['canonical_count'] as number };
  const o3 = options.relationships
    ? await relationships.run(m3, createTestContext({ store: { sql }, providers, msg: m3, stage: 'relationships' }))
    : undefined;
  return { mentionCount: o1['mention_count'] as number, canonicalCount: o2['canonical_count'] as number, out: o3 ?? {} };
}
