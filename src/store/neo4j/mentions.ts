/** Postgres reads and writes of the ner stage (replace-by-key on neo4j_entity_mentions). */
import type { Sql } from '../db.ts';
import { deterministicUuid } from '../../nlp/ids.ts';
import { normalizeName } from '../../nlp/resolve/normalize.ts';
import type { ChunkMention, ChunkText } from '../../nlp/ner/document.ts';

export async function loadChunks(sql: Sql, documentId: number): Promise<ChunkText[]> {
  const rows = await sql<Array<{ id: string; chunk_uuid: string; chunk_index: number; text: string; char_start: number }>>`
    SELECT id, chunk_uuid, chunk_index, text, char_start FROM neo4j_chunks WHERE document_id = ${documentId} ORDER BY chunk_index`;
  return rows.map((r) => ({
    id: Number(r.id),
    chunk_uuid: r.chunk_uuid,
    chunk_index: r.chunk_index,
    text: r.text,
    char_start: r.char_start,
  }));
}

export function mentionUuid(chunkUuid: string, type: string, start: number, end: number): string {
  return deterministicUuid('mention', chunkUuid, type, start, end);
}

/**
 * Writes the document's mentions: upsert by (chunk_id, entity_type, offset_start, offset_end), then
 * delete the document's mentions not in the new set. One transaction: readers see old or new rows.
 */
export async function replaceMentions(sql: Sql, documentUuid: string, mentions: readonly ChunkMention[]): Promise<number> {
  const rows = mentions.map((m) => ({
    mention_uuid: mentionUuid(m.chunkUuid, m.type, m.start, m.end),
    chunk_id: m.chunkId,
    chunk_uuid: m.chunkUuid,
    document_uuid: documentUuid,
    value: m.value,
    normalized_value: normalizeName(m.type, m.value),
    entity_type: m.type,
    offset_start: m.start,
    offset_end: m.end,
    confidence: m.confidence,
    method: m.method,
    metadata_json: sql.json(JSON.parse(JSON.stringify(m.meta ?? {}))),
  }));
  await sql.begin(async (tx) => {
    for (let i = 0; i < rows.length; i += 1000) {
      const batch = rows.slice(i, i + 1000);
      await tx`
        INSERT INTO neo4j_entity_mentions ${tx(batch)}
        ON CONFLICT (chunk_id, entity_type, offset_start, offset_end) DO UPDATE SET
          mention_uuid = EXCLUDED.mention_uuid, value = EXCLUDED.value, normalized_value = EXCLUDED.normalized_value,
          confidence = EXCLUDED.confidence, method = EXCLUDED.method, metadata_json = EXCLUDED.metadata_json`;
    }
    const keep = rows.map((r) => r.mention_uuid);
    await tx`DELETE FROM neo4j_entity_mentions WHERE document_uuid = ${documentUuid} AND NOT (mention_uuid = ANY(${keep}::uuid[]))`;
  });
  return rows.length;
}
