/**
 * chunking: splits the cleaned text into structure-aware chunks (headings first, then a token
 * budget with overlap; `max_tokens`, `overlap_tokens`, `min_tokens` from the stage's options) with
 * exact offsets, page spans and stable uuids, and extracts document-level facts (docket numbers,
 * case name, court, parties, judges, dates, amounts, citations) into neo4j_documents.metadata_json.
 * Replace-by-key: a re-run leaves the same chunk rows.
 */
import { defineStage, PermanentError, type StageMessage } from 'docpipe';
import { chunkText, chunkUuid, DEFAULT_CHUNK_OPTIONS, type ChunkOptions } from '../src/nlp/chunk/index.ts';
import { pageAt, type CleaningMetadata } from '../src/nlp/clean/index.ts';
import { extractFacts, fillGapsWithLlm } from '../src/nlp/facts/index.ts';
import { loadCleanedText, replaceChunks } from '../src/store/neo4j/documents.ts';

interface ChunkingInput extends StageMessage {
  document_uuid: string;
  source_doc_sql_id?: number;
  neo4j_doc_sql_id: number;
  doc_category?: string;
}

interface ChunkingOutput {
  [key: string]: unknown;
  document_uuid: string;
  neo4j_doc_sql_id: number;
  chunk_count: number;
}

const TOKENIZER = 'docpipe-approx-v1';

function intOption(options: Readonly<Record<string, unknown>>, key: string, fallback: number, min: number): number {
  const v = options[key];
  if (v === undefined || v === null) return fallback;
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min) {
    throw new PermanentError(`chunking option "${key}" must be an integer >= ${min}, got ${JSON.stringify(v)}`);
  }
  return n;
}

export function chunkOptions(options: Readonly<Record<string, unknown>>): ChunkOptions {
  const maxTokens = intOption(options, 'max_tokens', DEFAULT_CHUNK_OPTIONS.maxTokens, 16);
  const overlapTokens = intOption(options, 'overlap_tokens', DEFAULT_CHUNK_OPTIONS.overlapTokens, 0);
  const minTokens = intOption(options, 'min_tokens', Math.min(DEFAULT_CHUNK_OPTIONS.minTokens, Math.floor(maxTokens / 4)), 0);
  if (overlapTokens >= maxTokens)
    throw new PermanentError(`chunking option "overlap_tokens" (${overlapTokens}) must be below "max_tokens" (${maxTokens})`);
  return { maxTokens, overlapTokens, minTokens };
}

export default defineStage<ChunkingInput, ChunkingOutput>({
  name: 'chunking',
  output: new URL('../schemas/chunking.output.json', import.meta.url),
  options: new URL('../schemas/chunking.options.json', import.meta.url),
  async run(msg, ctx) {
    const { sql } = ctx.store;
    const options = chunkOptions(ctx.options);
    const doc = await loadCleanedText<Partial<CleaningMetadata>>(sql, msg.neo4j_doc_sql_id);
    if (!doc) throw new PermanentError(`neo4j document ${msg.neo4j_doc_sql_id} does not exist`);
    if (doc.document_uuid !== msg.document_uuid) {
      throw new PermanentError(`neo4j document ${msg.neo4j_doc_sql_id} belongs to ${doc.document_uuid}, not ${msg.document_uuid}`);
    }
    if (doc.cleaned_text === null)
      throw new PermanentError(`neo4j document ${msg.neo4j_doc_sql_id} has no cleaned text (run clean-cat first)`);
    const text = doc.cleaned_text;
    const cleaning = doc.cleaning_metadata_json ?? {};
    const pages = cleaning.pages ?? [];

    const spans = chunkText(text, options);
    let facts = extractFacts(text, { stamps: cleaning.ecf_stamps ?? [] });
    let factsMethod = 'rules';
    let llmError: string | undefined;
    if (ctx.llm) {
      const filled = await fillGapsWithLlm(ctx.llm, text, facts, ctx.signal);
      facts = filled.facts;
      if (filled.used) factsMethod = filled.error ? 'rules' : 'rules+llm';
      llmError = filled.error;
      if (llmError) ctx.log.warn({ err: llmError }, 'LLM fact extraction failed; kept the rule-based facts');
    }

    const rows = spans.map((c) => ({
      chunk_uuid: chunkUuid(doc.document_uuid, c.index),
      document_id: doc.id,
      document_uuid: doc.document_uuid,
      chunk_index: c.index,
      text: text.slice(c.start, c.end),
      char_start: c.start,
      char_end: c.end,
      page_start: pages.length ? pageAt(pages, c.start) : null,
      page_end: pages.length ? pageAt(pages, Math.max(c.start, c.end - 1)) : null,
      token_count: c.tokens,
      metadata_json: {
        boundary: c.boundary,
        overlap_chars: c.overlap,
        tokenizer: TOKENIZER,
        ...(c.heading ? { heading: c.heading.slice(0, 200) } : {}),
      },
    }));
    const factsJson = {
      ...facts,
      facts_method: factsMethod,
      ...(llmError ? { facts_llm_error: llmError.slice(0, 500) } : {}),
      chunking: { ...options, tokenizer: TOKENIZER },
    };

    await replaceChunks(sql, doc.id, rows, factsJson);
    return { document_uuid: msg.document_uuid, neo4j_doc_sql_id: Number(doc.id), chunk_count: rows.length };
  },
});
