/**
 * A malformed answer is re-asked once, the schema restated, before any fallback or failure (#23.5):
 * for every request kind (ner, categorize, facts, resolve). The fake model answers every first ask
 * with broken JSON and every re-ask correctly.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { categorizeLocal, categorizeWithLlm } from '../../src/nlp/categorize/index.ts';
import { fillGapsWithLlm } from '../../src/nlp/facts/llm.ts';
import type { DocumentFacts } from '../../src/nlp/facts/types.ts';
import { recogniseWithLlm } from '../../src/nlp/ner/llm.ts';
import { llmJudge } from '../../src/nlp/resolve/llm.ts';
import { createOpenAiLlm } from '../../src/providers/llm/openai.ts';
import { emptyUsage, type LlmClient } from '../../src/providers/types.ts';
import { startFakeOpenAi, type ChatRequestBody, type FakeOpenAiServer } from '../fakes/openai-server.ts';

let fake: FakeOpenAiServer;
let llm: LlmClient;

const TEXT = 'UNITED STATES DISTRICT COURT\nJane Roe, Plaintiff, v. Acme Corp., Defendant.\nORDER\nJudge Helen Marsh.\n';

function honest(body: ChatRequestBody): unknown {
  switch (body.response_format?.json_schema?.name) {
    case 'legal_entities':
      return { entities: [{ chunk: 0, text: 'Jane Roe', type: 'PERSON', occurrence: 1 }] };
    case 'legal_entities_missed':
      return { entities: [] };
    case 'document_category':
      return { category: 'motion', confidence: 0.9 };
    case 'document_facts':
      return { case_name: null, court: 'UNITED STATES DISTRICT COURT', parties: [], judges: ['Helen Marsh'] };
    case 'same_entity':
      return { same: true, reason: 'same person' };
    default:
      return {};
  }
}

const asked = new Map<string, number>();
/** Broken JSON the first time a prompt is asked; the honest answer when it is asked again. */
function brokenFirst(body: ChatRequestBody): unknown {
  const key = body.messages.find((m) => m.role === 'user')!.content + body.response_format?.json_schema?.name;
  const n = asked.get(key) ?? 0;
  asked.set(key, n + 1);
  return n === 0 ? { raw: '{"oops": ' } : honest(body);
}

before(async () => {
  fake = await startFakeOpenAi(brokenFirst);
  llm = createOpenAiLlm(
    { provider: 'openai', base_url: fake.baseURL, model: 'fake', api_key_env: 'DOCPIPE_TEST_NO_KEY', concurrency: 2, timeoutMs: 5000 },
    undefined,
    { maxRetries: 0 },
  );
});
after(async () => {
  await fake.close();
});

function lastRestated(): void {
  const system = fake.requests.at(-1)!.messages.find((m) => m.role === 'system')!.content;
  assert.match(system, /previous answer was rejected \(LLM answer is not JSON\)/);
  assert.ok(system.includes(JSON.stringify(fake.requests.at(-1)!.response_format!.json_schema!.schema)), 'the schema is restated');
  const before = fake.requests.at(-2)!;
  assert.equal(
    before.messages.find((m) => m.role === 'user')!.content,
    fake.requests.at(-1)!.messages.find((m) => m.role === 'user')!.content,
    'the same prompt',
  );
}

test('bug #23.5: categorization re-asks a malformed answer instead of falling back to the local result', async () => {
  const outcome = await categorizeWithLlm(llm, TEXT, categorizeLocal(TEXT));
  assert.equal(outcome.error, undefined);
  assert.equal(outcome.result.method, 'llm');
  assert.equal(outcome.result.category, 'motion');
  lastRestated();
});

test('bug #23.5: facts re-ask a malformed answer instead of keeping the gaps', async () => {
  const facts: DocumentFacts = {
    facts_version: 1,
    docket_numbers: [],
    case_name: null,
    court: null,
    parties: [],
    judges: [],
    dates: [],
    amounts: [],
    citations: [],
  };
  const out = await fillGapsWithLlm(llm, TEXT, facts);
  assert.equal(out.error, undefined);
  assert.equal(out.facts.judges[0]?.name, 'Helen Marsh');
  lastRestated();
});

test('bug #23.5: the resolution judge re-asks a malformed answer instead of failing', async () => {
  const judge = llmJudge(llm);
  assert.equal(await judge('PERSON', 'Jane Roe', 'J. Roe', { score: 0.7, rule: 'initials' } as never), true);
  lastRestated();
});

test('bug #23.5: NER re-asks a malformed answer (each pass) instead of spending a stage attempt', async () => {
  const from = fake.requests.length;
  const usage = emptyUsage();
  const byChunk = await recogniseWithLlm(llm, [{ key: 0, text: TEXT }], undefined, { usage });
  assert.deepEqual(
    byChunk.get(0)?.map((m) => m.value),
    ['Jane Roe'],
  );
  assert.equal(fake.requests.length - from, 4, 'two passes, each asked twice');
  assert.equal(usage.reasks, 2);
  assert.equal(usage.requests, 4);
  assert.ok(usage.promptTokens > 0 && usage.completionTokens > 0, 'tokens counted from the responses');
});

test('a second malformed answer is not re-asked again: the request fails (retryable) for the caller to fall back', async () => {
  fake.respond(() => ({ raw: 'still not json' }));
  const from = fake.requests.length;
  const outcome = await categorizeWithLlm(llm, `${TEXT} again`, categorizeLocal(TEXT));
  assert.equal(outcome.result.method, 'local');
  assert.match(outcome.error ?? '', /not JSON/);
  assert.equal(fake.requests.length - from, 2, 'one ask and one re-ask');
  fake.respond(brokenFirst);
});
