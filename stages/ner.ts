/**
 * ner: entity mentions of a document's chunks. Offline: legal rules + the trained model + wink-nlp; with an
 * LLM configured: batched structured extraction verified against the chunk text, plus the legal rules.
 * Writes neo4j_entity_mentions replace-by-key; offsets are within the chunk (slice === value).
 */
import { defineStage, PermanentError } from 'docpipe';
import { emptyUsage } from '../src/providers/types.ts';
import { recogniseChunks } from '../src/nlp/ner/recognise.ts';
import { documentIdentity, recordLlmUsage } from '../src/store/neo4j/documents.ts';
import { loadChunks, replaceMentions } from '../src/store/neo4j/mentions.ts';
import { shippedModel } from '../src/nlp/ner/model/index.ts';
import { wink } from '../src/nlp/ner/wink.ts';

interface NerInput extends Record<string, unknown> {
  document_uuid: string;
  neo4j_doc_sql_id: number;
  chunk_count: number;
}

export default defineStage<NerInput>({
  name: 'ner',
  output: new URL('../schemas/ner.output.json', import.meta.url),
  options: new URL('../schemas/no-options.json', import.meta.url),
  async setup(ctx) {
    // load the models once per process, before the first message (the LLM path uses the rules only)
    wink();
    if (!ctx.providers.llm) shippedModel();
  },
  async run(msg, ctx) {
    const sql = ctx.store.sql;
    const doc = await documentIdentity(sql, msg.neo4j_doc_sql_id);
    if (!doc) throw new PermanentError(`neo4j_documents row ${msg.neo4j_doc_sql_id} does not exist`);
    if (doc.document_uuid !== msg.document_uuid) {
      throw new PermanentError(`neo4j_documents row ${msg.neo4j_doc_sql_id} belongs to ${doc.document_uuid}, not ${msg.document_uuid}`);
    }
    const chunks = await loadChunks(sql, msg.neo4j_doc_sql_id);
    if (chunks.length !== msg.chunk_count)
      ctx.log.warn({ expected: msg.chunk_count, found: chunks.length }, 'chunk count differs from the message');
    const usage = emptyUsage();
    const mentions = await recogniseChunks(chunks, ctx.llm, ctx.signal, { secondPass: ctx.providers.settings.llm.second_pass, usage });
    await ctx.heartbeat();
    const mentionCount = await replaceMentions(sql, msg.document_uuid, mentions);
    if (ctx.llm) {
      // what this document cost (the last run's), next to the document: metadata_json.llm_usage.ner
      const spent = {
        requests: usage.requests,
        prompt_tokens: usage.promptTokens,
        completion_tokens: usage.completionTokens,
        reasks: usage.reasks,
        cache_hits: usage.cacheHits,
      };
      await recordLlmUsage(sql, msg.neo4j_doc_sql_id, 'ner', spent);
    }
    ctx.log.info(
      {
        chunks: chunks.length,
        mentions: mentionCount,
        method: ctx.llm ? 'llm' : 'local',
        llm_requests: usage.requests,
        llm_tokens: usage.promptTokens + usage.completionTokens,
      },
      'entities recognised',
    );
    return { document_uuid: msg.document_uuid, neo4j_doc_sql_id: msg.neo4j_doc_sql_id, mention_count: mentionCount };
  },
});
