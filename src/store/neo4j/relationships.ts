/** Postgres reads and writes of the relationships stage (replace-by-key on neo4j_relationships_staging). */
import type { Sql } from '../db.ts';
import type { DocumentGraphInput } from '../../graph/build.ts';
import type { StagedRelationship } from '../../graph/types.ts';

export async function loadDocumentGraph(sql: Sql, documentId: number): Promise<DocumentGraphInput | undefined> {
  const [doc] = await sql<Array<{ document_uuid: string; metadata_json: unknown; project_uuid: string | null }>>`
    SELECT d.document_uuid, d.metadata_json, p.project_uuid
    FROM neo4j_documents d LEFT JOIN projects p ON p.id = d.project_id WHERE d.id = ${documentId}`;
  if (!doc) return undefined;
  const chunks = await sql<Array<{ chunk_uuid: string; chunk_index: number; text: string }>>`
    SELECT chunk_uuid, chunk_index, text FROM neo4j_chunks WHERE document_id = ${documentId} ORDER BY chunk_index`;
  const mentions = await sql<
    Array<{
      mention_uuid: string;
      chunk_uuid: string;
      canonical_entity_uuid: string | null;
      entity_type: string;
      value: string;
      offset_start: number;
      offset_end: number;
      method: string | null;
      metadata_json: MentionMeta | null;
    }>
  >`
    SELECT mention_uuid, chunk_uuid, canonical_entity_uuid, entity_type, value, offset_start, offset_end, method, metadata_json
    FROM neo4j_entity_mentions WHERE document_uuid = ${doc.document_uuid} ORDER BY mention_uuid`;
  const entities = await sql<
    Array<{
      canonical_entity_uuid: string;
      entity_type: string;
      canonical_name: string;
      normalized_name: string;
      project_entity_uuid: string | null;
      project_match: { method?: unknown; score?: unknown; rule?: unknown } | null;
    }>
  >`
    SELECT canonical_entity_uuid, entity_type, canonical_name, normalized_name, project_entity_uuid, project_match FROM neo4j_canonical_entities
    WHERE document_id = ${documentId} ORDER BY canonical_entity_uuid`;
  return {
    documentUuid: doc.document_uuid,
    projectUuid: doc.project_uuid,
    metadata: doc.metadata_json,
    chunks: chunks.map((c) => ({ uuid: c.chunk_uuid, index: c.chunk_index, text: c.text })),
    mentions: mentions.map((m) => ({
      uuid: m.mention_uuid,
      chunkUuid: m.chunk_uuid,
      canonicalUuid: m.canonical_entity_uuid,
      type: m.entity_type,
      start: m.offset_start,
      end: m.offset_end,
      method: m.method ?? 'unknown',
      value: m.value,
      ...stringField('role', m.metadata_json?.role),
      ...stringField('forRole', m.metadata_json?.forRole),
      ...stringField('forParty', m.metadata_json?.forParty),
    })),
    entities: entities.map((e) => ({
      uuid: e.canonical_entity_uuid,
      type: e.entity_type,
      name: e.canonical_name,
      normalized: e.normalized_name,
      ...(e.project_entity_uuid ? { projectEntityUuid: e.project_entity_uuid } : {}),
      ...(e.project_match && typeof e.project_match.method === 'string'
        ? {
            projectMatch: {
              method: e.project_match.method,
              score: Number(e.project_match.score ?? 1),
              ...stringField('rule', e.project_match.rule),
            },
          }
        : {}),
    })),
  };
}

interface MentionMeta {
  role?: unknown;
  forRole?: unknown;
  forParty?: unknown;
}

function stringField<K extends string>(key: K, value: unknown): Partial<Record<K, string>> {
  return typeof value === 'string' && value ? ({ [key]: value } as Record<K, string>) : {};
}

/** Upserts by relationship_key and deletes the document's staged rows not in the new set. One transaction. */
export async function replaceRelationships(sql: Sql, documentUuid: string, rels: readonly StagedRelationship[]): Promise<number> {
  const rows = rels.map((r) => ({
    relationship_key: r.key,
    document_uuid: documentUuid,
    from_node_id: r.fromId,
    from_node_label: r.fromLabel,
    to_node_id: r.toId,
    to_node_label: r.toLabel,
    relationship_type: r.type,
    properties: sql.json(r.properties),
    chunk_uuid: r.chunkUuid,
    method: r.method,
  }));
  await sql.begin(async (tx) => {
    const keep = rows.map((r) => r.relationship_key);
    await tx`DELETE FROM neo4j_relationships_staging WHERE document_uuid = ${documentUuid} AND NOT (relationship_key = ANY(${keep}::text[]))`;
    for (let i = 0; i < rows.length; i += 1000) {
      await tx`
        INSERT INTO neo4j_relationships_staging ${tx(rows.slice(i, i + 1000))}
        ON CONFLICT (relationship_key) DO UPDATE SET
          document_uuid = EXCLUDED.document_uuid, from_node_id = EXCLUDED.from_node_id, from_node_label = EXCLUDED.from_node_label,
          to_node_id = EXCLUDED.to_node_id, to_node_label = EXCLUDED.to_node_label, relationship_type = EXCLUDED.relationship_type,
          properties = EXCLUDED.properties, chunk_uuid = EXCLUDED.chunk_uuid, method = EXCLUDED.method`;
    }
  });
  return rows.length;
}
