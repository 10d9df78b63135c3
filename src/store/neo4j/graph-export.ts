/** Reads the staged graph from Postgres: every document with staged relationships, its nodes and edges. */
import type { Sql } from '../db.ts';
import type { NodeLabel, RelationshipType } from '../../graph/types.ts';
import { sortGraph, toProperties, type Graph, type GraphNode } from '../../graph/export/model.ts';

export async function loadGraph(sql: Sql): Promise<Graph> {
  const nodes: GraphNode[] = [];
  const docs = await sql<Array<Record<string, unknown> & { document_uuid: string }>>`
    SELECT d.document_uuid, d.name, d.category, s.file_name, p.project_uuid
    FROM neo4j_documents d JOIN source_documents s ON s.id = d.source_document_id LEFT JOIN projects p ON p.id = d.project_id
    WHERE d.document_uuid IN (SELECT DISTINCT document_uuid FROM neo4j_relationships_staging)`;
  for (const d of docs)
    nodes.push({ label: 'Document', id: d.document_uuid, properties: toProperties({ ...d, document_uuid: undefined }) });
  const projects = await sql<Array<Record<string, unknown> & { project_uuid: string }>>`
    SELECT DISTINCT p.project_uuid, p.name FROM projects p JOIN neo4j_documents d ON d.project_id = p.id
    WHERE d.document_uuid IN (SELECT DISTINCT document_uuid FROM neo4j_relationships_staging)`;
  for (const p of projects) nodes.push({ label: 'Project', id: p.project_uuid, properties: toProperties({ name: p['name'] }) });
  // project-level entities the staged documents' entities resolve to, with the number of documents naming them
  const projectEntities = await sql<Array<Record<string, unknown> & { project_entity_uuid: string }>>`
    SELECT pe.project_entity_uuid, pe.entity_type, pe.entity_family, pe.canonical_name AS name, pe.normalized_name, pe.aliases, p.project_uuid,
      (SELECT count(DISTINCT c.document_id)::int FROM neo4j_canonical_entities c WHERE c.project_entity_id = pe.id) AS document_count
    FROM neo4j_project_entities pe JOIN projects p ON p.id = pe.project_id
    WHERE pe.project_entity_uuid::text IN (SELECT to_node_id FROM neo4j_relationships_staging WHERE to_node_label = 'ProjectEntity')`;
  for (const e of projectEntities)
    nodes.push({ label: 'ProjectEntity', id: e.project_entity_uuid, properties: toProperties({ ...e, project_entity_uuid: undefined }) });
  // cases exist as staged IN_CASE edges (keyed by project and normalised number): one node each
  const cases = await sql<Array<{ to_node_id: string; case_number: string | null; project_uuid: string | null }>>`
    SELECT DISTINCT ON (r.to_node_id) r.to_node_id, r.properties->>'case_number' AS case_number, p.project_uuid
    FROM neo4j_relationships_staging r JOIN neo4j_documents d ON d.document_uuid = r.document_uuid LEFT JOIN projects p ON p.id = d.project_id
    WHERE r.relationship_type = 'IN_CASE' ORDER BY r.to_node_id, r.relationship_key`;
  for (const c of cases)
    nodes.push({ label: 'Case', id: c.to_node_id, properties: toProperties({ case_number: c.case_number, project_uuid: c.project_uuid }) });
  const chunks = await sql<Array<Record<string, unknown> & { chunk_uuid: string }>>`
    SELECT c.chunk_uuid, c.document_uuid, c.chunk_index, c.text, c.char_start, c.char_end, c.page_start, c.page_end, c.token_count
    FROM neo4j_chunks c WHERE c.document_uuid IN (SELECT DISTINCT document_uuid FROM neo4j_relationships_staging)`;
  for (const c of chunks) nodes.push({ label: 'Chunk', id: c.chunk_uuid, properties: toProperties({ ...c, chunk_uuid: undefined }) });
  const entities = await sql<Array<Record<string, unknown> & { canonical_entity_uuid: string }>>`
    SELECT canonical_entity_uuid, document_uuid, entity_type, canonical_name, normalized_name, aliases, mention_count, confidence
    FROM neo4j_canonical_entities WHERE document_uuid IN (SELECT DISTINCT document_uuid FROM neo4j_relationships_staging)`;
  for (const e of entities)
    nodes.push({
      label: 'CanonicalEntity',
      id: e.canonical_entity_uuid,
      properties: toProperties({ ...e, canonical_entity_uuid: undefined, name: e['canonical_name'] }),
    });
  const mentions = await sql<Array<Record<string, unknown> & { mention_uuid: string }>>`
    SELECT mention_uuid, document_uuid, chunk_uuid, value, entity_type, offset_start, offset_end, confidence, method, canonical_entity_uuid
    FROM neo4j_entity_mentions WHERE document_uuid IN (SELECT DISTINCT document_uuid FROM neo4j_relationships_staging)`;
  for (const m of mentions)
    nodes.push({ label: 'EntityMention', id: m.mention_uuid, properties: toProperties({ ...m, mention_uuid: undefined }) });

  const rels = await sql<
    Array<{
      relationship_key: string;
      relationship_type: string;
      from_node_label: string;
      from_node_id: string;
      to_node_label: string;
      to_node_id: string;
      properties: Record<string, unknown>;
      document_uuid: string;
      chunk_uuid: string | null;
      method: string | null;
    }>
  >`
    SELECT relationship_key, relationship_type, from_node_label, from_node_id, to_node_label, to_node_id, properties, document_uuid, chunk_uuid, method
    FROM neo4j_relationships_staging`;
  return sortGraph({
    nodes,
    relationships: rels.map((r) => ({
      key: r.relationship_key,
      type: r.relationship_type as RelationshipType,
      fromLabel: r.from_node_label as NodeLabel,
      fromId: r.from_node_id,
      toLabel: r.to_node_label as NodeLabel,
      toId: r.to_node_id,
      properties: toProperties({ ...r.properties, document_uuid: r.document_uuid, chunk_uuid: r.chunk_uuid, method: r.method }),
    })),
  });
}
