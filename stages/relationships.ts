/**
 * relationships: stages the document's graph in neo4j_relationships_staging with idempotent keys and
 * provenance: structure (PART_OF, FIRST_CHUNK, NEXT_CHUNK, BELONGS_TO), entities (HAS_ENTITY,
 * MEMBER_OF_CLUSTER) and the roles the text supports (PLAINTIFF_IN, DEFENDANT_IN, JUDGE_OF, REPRESENTS, PARTY_TO).
 */
import { defineStage, PermanentError } from 'docpipe';
import { buildRelationships } from '../src/graph/build.ts';
import { loadDocumentGraph, replaceRelationships } from '../src/store/neo4j/relationships.ts';

interface RelationshipsInput extends Record<string, unknown> {
  document_uuid: string;
  neo4j_doc_sql_id: number;
  canonical_count: number;
}

export default defineStage<RelationshipsInput>({
  name: 'relationships',
  output: new URL('../schemas/relationships.output.json', import.meta.url),
  options: new URL('../schemas/no-options.json', import.meta.url),
  async run(msg, ctx) {
    const graph = await loadDocumentGraph(ctx.store.sql, msg.neo4j_doc_sql_id);
    if (!graph || graph.documentUuid !== msg.document_uuid) {
      throw new PermanentError(`neo4j_documents row ${msg.neo4j_doc_sql_id} is not document ${msg.document_uuid}`);
    }
    const rels = buildRelationships(graph);
    const count = await replaceRelationships(ctx.store.sql, msg.document_uuid, rels);
    ctx.log.info({ relationships: count }, 'relationships staged');
    return { document_uuid: msg.document_uuid, neo4j_doc_sql_id: msg.neo4j_doc_sql_id, relationship_count: count, status: 'success' };
  },
});
