/**
 * What the LLM NER path spends (#23.7): the "what did you miss" pass is configurable (on, off, only for
 * sparse chunks), each document records its requests and tokens in metadata_json.llm_usage.ner, and
 * answers that fail verification are not kept in llm_cache.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import ner from '../../stages/ner.ts';
import type { ProvidersConfig } from '../../src/config/types.ts';
import { createOpenAiLlm } from '../../src/providers/llm/openai.ts';
import type { LlmClient } from '../../src/providers/types.ts';
import { createTestContext } from '../../src/testing/index.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { composeDocuments, labelledSentences, oracleResponder, type OracleDocument } from '../fakes/ner-oracle.ts';
import { startFakeOpenAi, type FakeOpenAiServer } from '../fakes/openai-server.ts';
import { entityProviders, fakeLlmSettings, seedDocument } from './ner-seed.ts';

let db: TestDb;
let fake: FakeOpenAiServer;
const docs: OracleDocument[] = composeDocuments(labelledSentences(), 3, 8, 2303);
const FILLER = 'The parties met again and discussed the matter at length without reaching any agreement on the terms. ';
const sparse: OracleDocument = { name: 'sparse.txt', text: `${docs[0]!.text}\n\n${FILLER.repeat(6)}`, gold: docs[0]!.gold };

before(async () => {
  db = await createTestDb('nercost');
  fake = await startFakeOpenAi(oracleResponder([...docs, sparse]));
});
after(async () => {
  await fake.close();
  await db.drop();
});

async function run(doc: OracleDocument, secondPass: 'on' | 'off' | 'sparse'): Promise<{ requests: number; usage: Record<string, number> }> {
  const settings: ProvidersConfig['llm'] = { ...fakeLlmSettings(fake.baseURL), second_pass: secondPass };
  const llm: LlmClient = createOpenAiLlm(settings, undefined, { maxRetries: 0 });
  const base = entityProviders(llm);
  const providers = { ...base, settings: { ...base.settings, llm: settings } };
  const seeded = await seedDocument(db.sql, { name: doc.name, text: doc.text, size: 320, overlap: 90 });
  const msg = { document_uuid: seeded.documentUuid, neo4j_doc_sql_id: seeded.docId, chunk_count: seeded.chunkCount };
  const from = fake.requests.length;
  await ner.run(msg, createTestContext({ store: { sql: db.sql }, providers, msg }));
  const [row] = await db.sql<
    Array<{ usage: Record<string, number> }>
  >`SELECT metadata_json->'llm_usage'->'ner' AS usage FROM neo4j_documents WHERE id = ${seeded.docId}`;
  return { requests: fake.requests.length - from, usage: row!.usage };
}

test('bug #23.7: second_pass off sends one request per batch; on sends two; each document records what it spent', async () => {
  const on = await run(docs[1]!, 'on');
  const off = await run(docs[1]!, 'off');
  assert.equal(on.requests, 2);
  assert.equal(off.requests, 1);
  assert.equal(on.usage['requests'], 2);
  assert.equal(off.usage['requests'], 1);
  assert.ok(on.usage['prompt_tokens']! > off.usage['prompt_tokens']!, 'the second pass re-sends the chunks: more prompt tokens');
  assert.ok(off.usage['completion_tokens']! > 0);
});

test('second_pass sparse asks again only for chunks whose first answer is sparse', async () => {
  const dense = await run(docs[2]!, 'sparse');
  assert.equal(dense.requests, 1, 'every chunk had mentions enough: no second pass');
  const from = fake.requests.length;
  const mixed = await run(sparse, 'sparse');
  assert.equal(mixed.requests, 2);
  const chunksOf = (i: number) =>
    [...fake.requests[i]!.messages.find((m) => m.role === 'user')!.content.matchAll(/<chunk id="\d+">\n([\s\S]*?)\n<\/chunk>/g)].map(
      (m) => m[1]!,
    );
  const first = chunksOf(from);
  const again = chunksOf(from + 1);
  assert.ok(again.length > 0 && again.length < first.length, `${again.length} of ${first.length} chunks sent again`);
  for (const c of again)
    assert.ok(
      FILLER.includes(c.slice(0, 40)) || c.includes('without reaching'),
      `a re-sent chunk is one of the sparse ones: ${c.slice(0, 60)}`,
    );
});
