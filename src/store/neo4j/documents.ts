/**
 * neo4j_documents and neo4j_chunks: the cleaned document (clean-cat), its chunks and facts
 * (chunking), and what the later stages read of it or add to it.
 */
import type { Sql } from '../db.ts';

type Json = Parameters<Sql['json']>[0];

/** What clean-cat writes of a document. */
export interface CleanedDocument {
  documentUuid: string;
  sourceDocumentId: string | number;
  projectId: string | number | null;
  name: string;
  category: string;
  categoryConfidence: number;
  cleanedText: string;
  cleaningMetadata: unknown;
  /** Merged into the row's metadata_json (keys of an earlier run not set here are kept). */
  metadata: unknown;
}

/** Upserts the document's row by document_uuid (status `cleaned`); returns its id. */
export async function upsertCleanedDocument(sql: Sql, d: CleanedDocument): Promise<number> {
  const [doc] = await sql<{ id: string }[]>`
    INSERT INTO neo4j_documents (document_uuid, source_document_id, project_id, name, category, category_confidence,
                                 cleaned_text, cleaning_metadata_json, metadata_json, processing_status)
    VALUES (${d.documentUuid}, ${d.sourceDocumentId}, ${d.projectId}, ${d.name}, ${d.category}, ${d.categoryConfidence},
            ${d.cleanedText}, ${sql.json(d.cleaningMetadata as Json)},
            ${sql.json(d.metadata as Json)}, 'cleaned')
    ON CONFLICT (document_uuid) DO UPDATE SET
      source_document_id = EXCLUDED.source_document_id,
      project_id = EXCLUDED.project_id,
      name = EXCLUDED.name,
      category = EXCLUDED.category,
      category_confidence = EXCLUDED.category_confidence,
      cleaned_text = EXCLUDED.cleaned_text,
      cleaning_metadata_json = EXCLUDED.cleaning_metadata_json,
      metadata_json = neo4j_documents.metadata_json || EXCLUDED.metadata_json,
      processing_status = EXCLUDED.processing_status,
      updated_at = now()
    RETURNING id`;
  return Number(doc!.id);
}

/** The document's uuid and project (what ner and resolution check a message against). */
export async function documentIdentity(sql: Sql, id: number): Promise<{ document_uuid: string; project_id: string | null } | undefined> {
  const [doc] = await sql<Array<{ document_uuid: string; project_id: string | null }>>`
    SELECT document_uuid, project_id FROM neo4j_documents WHERE id = ${id}`;
  return doc;
}

export interface CleanedTextRow<CleaningMetadata = unknown> {
  id: string;
  document_uuid: string;
  cleaned_text: string | null;
  cleaning_metadata_json: CleaningMetadata | null;
}

/** The document's cleaned text and its cleaning metadata (what chunking reads), if the row exists. */
export async function loadCleanedText<CleaningMetadata = unknown>(
  sql: Sql,
  id: number,
): Promise<CleanedTextRow<CleaningMetadata> | undefined> {
  const [doc] = await sql<CleanedTextRow<CleaningMetadata>[]>`
    SELECT id, document_uuid, cleaned_text, cleaning_metadata_json FROM neo4j_documents WHERE id = ${id}`;
  return doc;
}

/** A row of neo4j_chunks as chunking writes it. */
export interface ChunkRow {
  chunk_uuid: string;
  document_id: string | number;
  document_uuid: string;
  chunk_index: number;
  text: string;
  char_start: number;
  char_end: number;
  page_start: number | null;
  page_end: number | null;
  token_count: number;
  metadata_json: unknown;
}

const CHUNK_BATCH = 500;

/**
 * Writes the document's chunks (upsert by (document_id, chunk_index), then delete the chunks past
 * the new last one) and merges `facts` into its metadata_json (status `chunked`). One transaction.
 */
export async function replaceChunks(sql: Sql, documentId: string | number, chunks: readonly ChunkRow[], facts: unknown): Promise<number> {
  const rows = chunks.map((c) => ({ ...c, metadata_json: sql.json(c.metadata_json as Json) }));
  await sql.begin(async (tx) => {
    for (let i = 0; i < rows.length; i += CHUNK_BATCH) {
      await tx`
        INSERT INTO neo4j_chunks ${tx(rows.slice(i, i + CHUNK_BATCH))}
        ON CONFLICT (document_id, chunk_index) DO UPDATE SET
          chunk_uuid = EXCLUDED.chunk_uuid, document_uuid = EXCLUDED.document_uuid, text = EXCLUDED.text,
          char_start = EXCLUDED.char_start, char_end = EXCLUDED.char_end, page_start = EXCLUDED.page_start,
          page_end = EXCLUDED.page_end, token_count = EXCLUDED.token_count, metadata_json = EXCLUDED.metadata_json`;
    }
    await tx`DELETE FROM neo4j_chunks WHERE document_id = ${documentId} AND chunk_index >= ${rows.length}`;
    await tx`
      UPDATE neo4j_documents
      SET metadata_json = metadata_json || ${tx.json(facts as Json)}, processing_status = 'chunked', updated_at = now()
      WHERE id = ${documentId}`;
  });
  return rows.length;
}

/** Sets metadata_json.llm_usage.<stage> (what the stage's last run of this document cost), keeping other stages'. */
export async function recordLlmUsage(sql: Sql, documentId: number, stage: string, spent: Record<string, number>): Promise<void> {
  await sql`UPDATE neo4j_documents SET metadata_json = jsonb_set(metadata_json, '{llm_usage}', coalesce(metadata_json->'llm_usage', '{}'::jsonb) || ${sql.json({ [stage]: spent })})
    WHERE id = ${documentId}`;
}
