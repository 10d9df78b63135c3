/** Postgres reads and writes of the resolution stage (replace-by-key on neo4j_canonical_entities). */
import type { Sql } from '../db.ts';
import { deterministicUuid } from '../../nlp/ids.ts';
import type { CanonicalCluster, ResolvableMention } from '../../nlp/resolve/cluster.ts';
import type { PlacedMention } from '../../nlp/resolve/aka.ts';
import { normalizeName } from '../../nlp/resolve/normalize.ts';
import { joinProjectEntities, type JoiningEntity } from './project-entities.ts';

export interface StoredMention extends ResolvableMention, PlacedMention {}

interface MentionRow {
  id: string;
  chunk_id: string;
  entity_type: string;
  value: string;
  offset_start: number;
  offset_end: number;
  method: string | null;
  metadata_json: { aliasOf?: string } | null;
}

export async function loadMentions(sql: Sql, documentUuid: string): Promise<{ mentions: StoredMention[]; chunkText: Map<number, string> }> {
  const rows = await sql<MentionRow[]>`
    SELECT id, chunk_id, entity_type, value, offset_start, offset_end, method, metadata_json
    FROM neo4j_entity_mentions WHERE document_uuid = ${documentUuid} ORDER BY id`;
  const mentions = rows.map((r): StoredMention => {
    const aliasOf = r.method === 'defined-term' && typeof r.metadata_json?.aliasOf === 'string' ? r.metadata_json.aliasOf : undefined;
    return {
      id: Number(r.id),
      chunkId: Number(r.chunk_id),
      type: r.entity_type,
      value: r.value,
      start: r.offset_start,
      end: r.offset_end,
      key: normalizeName(r.entity_type, aliasOf ?? r.value),
      ...(aliasOf ? { definedTerm: true } : {}),
    };
  });
  const chunkIds = [...new Set(mentions.map((m) => m.chunkId))];
  const chunks = chunkIds.length
    ? await sql<Array<{ id: string; text: string }>>`SELECT id, text FROM neo4j_chunks WHERE id = ANY(${chunkIds}::bigint[])`
    : [];
  return { mentions, chunkText: new Map(chunks.map((c) => [Number(c.id), c.text])) };
}

export function canonicalUuid(documentUuid: string, type: string, normalizedName: string): string {
  return deterministicUuid('canonical', documentUuid, type, normalizedName);
}

/** A cluster as it joins the project: the normalised names of its own and defined-term mentions, its names as written. */
export function joiningEntity(documentUuid: string, c: CanonicalCluster, mentions: ReadonlyMap<number, ResolvableMention>): JoiningEntity {
  const members = c.mentionIds.map((id) => mentions.get(id)).filter((m): m is ResolvableMention => m !== undefined);
  const own = members.filter((m) => !m.definedTerm);
  return {
    canonicalUuid: canonicalUuid(documentUuid, c.type, c.normalizedName),
    type: c.type,
    normalizedName: c.normalizedName,
    ownKeys: [...new Set(own.map((m) => m.key))].sort(),
    definedKeys: [...new Set(members.filter((m) => m.definedTerm).map((m) => m.key))].sort(),
    names: [...new Set([c.canonicalName, ...own.map((m) => m.value.replace(/\s+/g, ' '))])].sort(),
  };
}

/**
 * Upserts the document's canonical entities by (document_id, entity_type, normalized_name), points
 * each mention at its entity, deletes the document's entities not in the new set, and joins them to
 * the project's entities (project-entities.ts) when the document belongs to a project. One transaction.
 */
export async function replaceCanonicalEntities(
  sql: Sql,
  doc: { id: number; uuid: string; projectId: number | null },
  clusters: readonly CanonicalCluster[],
  mentions: readonly ResolvableMention[] = [],
): Promise<number> {
  const rows = clusters.map((c) => ({
    canonical_entity_uuid: canonicalUuid(doc.uuid, c.type, c.normalizedName),
    document_id: doc.id,
    document_uuid: doc.uuid,
    project_id: doc.projectId,
    entity_type: c.type,
    canonical_name: c.canonicalName,
    normalized_name: c.normalizedName,
    aliases: sql.json(c.aliases),
    mention_count: c.mentionIds.length,
    confidence: c.confidence,
    merge_explanation: sql.json(JSON.parse(JSON.stringify(c.explanation))),
  }));
  await sql.begin(async (tx) => {
    await tx`UPDATE neo4j_entity_mentions SET canonical_entity_id = NULL, canonical_entity_uuid = NULL WHERE document_uuid = ${doc.uuid}`;
    const keep = rows.map((r) => r.canonical_entity_uuid);
    await tx`DELETE FROM neo4j_canonical_entities WHERE document_id = ${doc.id} AND NOT (canonical_entity_uuid = ANY(${keep}::uuid[]))`;
    for (let i = 0; i < rows.length; i += 500) {
      await tx`
        INSERT INTO neo4j_canonical_entities ${tx(rows.slice(i, i + 500))}
        ON CONFLICT (document_id, entity_type, normalized_name) DO UPDATE SET
          canonical_entity_uuid = EXCLUDED.canonical_entity_uuid, canonical_name = EXCLUDED.canonical_name,
          aliases = EXCLUDED.aliases, mention_count = EXCLUDED.mention_count, confidence = EXCLUDED.confidence,
          merge_explanation = EXCLUDED.merge_explanation, project_id = EXCLUDED.project_id, updated_at = now()`;
    }
    const links = clusters.flatMap((c) => c.mentionIds.map((id) => ({ id, uuid: canonicalUuid(doc.uuid, c.type, c.normalizedName) })));
    for (let i = 0; i < links.length; i += 2000) {
      const part = links.slice(i, i + 2000);
      await tx`
        UPDATE neo4j_entity_mentions m SET canonical_entity_uuid = l.uuid::uuid, canonical_entity_id = c.id
        FROM (SELECT unnest(${part.map((l) => l.id)}::bigint[]) AS id, unnest(${part.map((l) => l.uuid)}::text[]) AS uuid) l
        JOIN neo4j_canonical_entities c ON c.canonical_entity_uuid = l.uuid::uuid
        WHERE m.id = l.id`;
    }
    const byId = new Map(mentions.map((m) => [m.id, m]));
    await joinProjectEntities(
      tx,
      { id: doc.id, projectId: doc.projectId },
      clusters.map((c) => joiningEntity(doc.uuid, c, byId)),
    );
  });
  return rows.length;
}
