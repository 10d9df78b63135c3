/**
 * resolution: canonical entities per document. Mentions are normalised per type, blocked, scored
 * (Jaro-Winkler, token sets, acronyms, initials, defined terms, a/k/a) and clustered within a type;
 * an LLM, when configured, decides only the ambiguous band. Replace-by-key on re-run. A document of a
 * project then joins the project's entities (neo4j_project_entities), under a lock on the project.
 */
import { defineStage, PermanentError } from 'docpipe';
import { akaPairs } from '../src/nlp/resolve/aka.ts';
import { clusterMentions } from '../src/nlp/resolve/cluster.ts';
import { llmJudge } from '../src/nlp/resolve/llm.ts';
import { loadMentions, replaceCanonicalEntities } from '../src/store/neo4j/canonical.ts';
import { documentIdentity } from '../src/store/neo4j/documents.ts';

interface ResolutionInput extends Record<string, unknown> {
  document_uuid: string;
  neo4j_doc_sql_id: number;
  mention_count: number;
}

export default defineStage<ResolutionInput>({
  name: 'resolution',
  output: new URL('../schemas/resolution.output.json', import.meta.url),
  options: new URL('../schemas/no-options.json', import.meta.url),
  async run(msg, ctx) {
    const sql = ctx.store.sql;
    const doc = await documentIdentity(sql, msg.neo4j_doc_sql_id);
    if (!doc || doc.document_uuid !== msg.document_uuid) {
      throw new PermanentError(`neo4j_documents row ${msg.neo4j_doc_sql_id} is not document ${msg.document_uuid}`);
    }
    const { mentions, chunkText } = await loadMentions(sql, msg.document_uuid);
    const clusters = await clusterMentions(mentions, akaPairs(mentions, chunkText), ctx.llm ? llmJudge(ctx.llm, ctx.signal) : undefined);
    const projectId = doc.project_id === null ? null : Number(doc.project_id);
    const count = await replaceCanonicalEntities(sql, { id: msg.neo4j_doc_sql_id, uuid: msg.document_uuid, projectId }, clusters, mentions);
    ctx.log.info({ mentions: mentions.length, canonical: count }, 'entities resolved');
    return { document_uuid: msg.document_uuid, neo4j_doc_sql_id: msg.neo4j_doc_sql_id, canonical_count: count };
  },
});
