/**
 * The LLM NER path against a perfect model (#23): the fake OpenAI server answers every NER request
 * with the exact gold entities of each chunk, and what lands in neo4j_entity_mentions is scored
 * against gold. Documents are composed from labelled sentences, with strings typed differently in
 * different sentences ("Denver" the team and the city) and names nested in longer names ("Kenya" in
 * "Kenya Airways"). Then the same with faults injected (malformed JSON, 429 with retry-after, 500s),
 * the stage getting its 3 attempts as the runtime would give them.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import ner from '../../stages/ner.ts';
import { createOpenAiLlm } from '../../src/providers/llm/openai.ts';
import type { LlmClient } from '../../src/providers/types.ts';
import { createTestContext } from '../../src/testing/index.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import {
  composeDocuments,
  labelledSentences,
  oracleResponder,
  prng,
  score,
  storedMentions,
  type OracleDocument,
  type OracleScore,
} from '../fakes/ner-oracle.ts';
import { startFakeOpenAi, type FakeOpenAiServer } from '../fakes/openai-server.ts';
import { entityProviders, fakeLlmSettings, seedDocument } from './ner-seed.ts';

let db: TestDb;
before(async () => {
  db = await createTestDb('nerorc');
});
after(async () => {
  await db.drop();
});

const MAX_ATTEMPTS = 3;

/** Runs the ner stage on each document (up to 3 attempts, as the runtime would) and scores the stored mentions. */
async function runOracle(fake: FakeOpenAiServer, docs: readonly OracleDocument[], llm: LlmClient): Promise<OracleScore> {
  const stored = [];
  let failed = 0;
  for (const d of docs) {
    const seeded = await seedDocument(db.sql, { name: d.name, text: d.text, size: 320, overlap: 90 });
    const msg = { document_uuid: seeded.documentUuid, neo4j_doc_sql_id: seeded.docId, chunk_count: seeded.chunkCount };
    let done = false;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS && !done; attempt++) {
      try {
        await ner.run(msg, createTestContext({ store: { sql: db.sql }, providers: entityProviders(llm), msg, attempt }));
        done = true;
      } catch (err) {
        if ((err as { kind?: string }).kind === 'permanent') break;
      }
    }
    if (!done) failed++;
    stored.push(done ? await storedMentions(db.sql, seeded.documentUuid) : []);
  }
  void fake;
  return score(docs, stored, failed);
}

function describeScore(s: OracleScore): string {
  const o = s.overall;
  if (process.env['DOCPIPE_ORACLE_ERRORS']) console.log([...new Set(s.errors)].sort().join('\n'));
  const l = s.llm;
  return (
    `LLM spans F1 ${l.f1.toFixed(3)} (tp ${l.tp} fp ${l.fp} fn ${l.fn}); all stored F1 ${o.f1.toFixed(3)} (tp ${o.tp} fp ${o.fp} fn ${o.fn}); ` +
    `gold displaced by rule spans: ${s.displacedByRules}; failed documents: ${s.failedDocuments}`
  );
}

test("a perfect model's answers are stored losslessly: F1 >= 0.995 on held-out compositions", async (t) => {
  const docs = composeDocuments(labelledSentences(), 30, 8, 2301);
  const fake = await startFakeOpenAi(oracleResponder(docs));
  try {
    const llm = createOpenAiLlm(fakeLlmSettings(fake.baseURL), undefined, { maxRetries: 0 });
    const s = await runOracle(fake, docs, llm);
    t.diagnostic(`clean: ${describeScore(s)}; requests ${fake.requests.length}`);
    assert.equal(s.failedDocuments, 0);
    assert.ok(s.llm.f1 >= 0.995, describeScore(s));
    assert.ok(s.overall.f1 >= 0.995, `everything stored, rule spans included (merge policy, #23.4): ${describeScore(s)}`);
  } finally {
    await fake.close();
  }
});

test('the same under injected faults (malformed JSON, 429 with retry-after, 500): F1 >= 0.995, nothing lost', async (t) => {
  const docs = composeDocuments(labelledSentences(), 30, 8, 2302);
  const fake = await startFakeOpenAi(oracleResponder(docs));
  fake.setFaults({ rate: 0.2, kinds: ['malformed', '429', '500'], random: prng(7), retryAfterMs: 5 });
  try {
    const llm = createOpenAiLlm(fakeLlmSettings(fake.baseURL), undefined, { maxRetries: 4 });
    const s = await runOracle(fake, docs, llm);
    t.diagnostic(`faults ${JSON.stringify(fake.faultCounts)}: ${describeScore(s)}; requests ${fake.requests.length}`);
    assert.equal(s.failedDocuments, 0, 'no document dead-letters');
    assert.ok(s.llm.f1 >= 0.995, describeScore(s));
    assert.ok(s.overall.f1 >= 0.995, `everything stored, rule spans included (merge policy, #23.4): ${describeScore(s)}`);
  } finally {
    await fake.close();
  }
});
