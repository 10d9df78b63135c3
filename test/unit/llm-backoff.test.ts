/**
 * The shared back-off gate (#23.6): a 429 (or an exhausted x-ratelimit budget) holds every request of
 * the process at the gate, outside the concurrency slots, until the server's reset time.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ProvidersConfig } from '../../src/config/types.ts';
import { createBackoffGate, holdOffMs, parseResetDuration } from '../../src/providers/llm/gate.ts';
import { createOpenAiLlm } from '../../src/providers/llm/openai.ts';
import { startFakeOpenAi, type FakeOpenAiServer } from '../fakes/openai-server.ts';

const schema = { type: 'object', additionalProperties: false, required: ['label'], properties: { label: { type: 'string' } } };
let fake: FakeOpenAiServer;
const settings = (concurrency: number): ProvidersConfig['llm'] => ({
  provider: 'openai',
  base_url: fake.baseURL,
  model: 'fake',
  api_key_env: 'DOCPIPE_TEST_NO_KEY',
  concurrency,
  timeoutMs: 5000,
});

before(async () => {
  fake = await startFakeOpenAi(() => ({ label: 'a' }));
});
after(async () => {
  await fake.close();
});

/** Polls until `cond` holds, for at most 5 s (a broken client must fail the test, not hang it). */
async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 2500 && !cond(); i++) await new Promise((r) => setTimeout(r, 2));
}

test('parses rate-limit durations: seconds, HTTP dates, 1s / 6m0s / 20ms', () => {
  assert.equal(parseResetDuration('2'), 2000);
  assert.equal(parseResetDuration('6m0s'), 360_000);
  assert.equal(parseResetDuration('1.5s'), 1500);
  assert.equal(parseResetDuration('20ms'), 20);
  assert.equal(parseResetDuration(new Date(10_000).toUTCString(), 4_000), 6_000);
  assert.equal(parseResetDuration('soon'), undefined);
  const h = (o: Record<string, string>) => ({ get: (k: string) => o[k] ?? null });
  assert.equal(holdOffMs(h({ 'retry-after-ms': '250', 'retry-after': '9' }), true), 250);
  assert.equal(holdOffMs(h({ 'x-ratelimit-reset-requests': '1s', 'x-ratelimit-reset-tokens': '3s' }), true), 3000);
  assert.equal(holdOffMs(h({ 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '2s' }), false), 2000);
  assert.equal(holdOffMs(h({ 'x-ratelimit-remaining-requests': '5', 'x-ratelimit-reset-requests': '2s' }), false), undefined);
});

test('a gate closed again while requests wait keeps them waiting until the later time', async () => {
  let now = 1000;
  const gate = createBackoffGate(() => now);
  gate.closeFor(100);
  gate.closeFor(50); // an earlier reopening never shortens the closure
  assert.equal(gate.openAt, 1100);
  assert.equal(gate.closures, 1);
  now = 1200;
  await gate.wait();
  gate.closeFor(10);
  assert.equal(gate.closures, 2);
});

test('bug #23.6: after a 429 no request of the process is sent until the retry-after has passed', async () => {
  const gate = createBackoffGate();
  const llm = createOpenAiLlm(settings(4), undefined, { maxRetries: 3, gate });
  const from = fake.requests.length;
  fake.failNext(1, 429, 300);
  const first = llm.json({ system: 'first', user: 'u', schema, schemaName: 'x' });
  await until(() => gate.closures > 0);
  const throttledAt = fake.failuresAnswered.at(-1)!.at;
  const reopensAt = gate.openAt;
  assert.ok(reopensAt >= throttledAt + 300, 'the gate stays closed for the retry-after the server asked for');
  // other requests of the same process, started while the server throttles us, with free slots
  const others = [1, 2, 3].map((i) => llm.json({ system: `other ${i}`, user: 'u', schema, schemaName: 'x' }));
  await Promise.all([first, ...others]);
  const later = fake.arrivals.slice(from + 1);
  assert.equal(later.length, 4, 'the throttled request once more, and the three others');
  for (const at of later) assert.ok(at >= reopensAt, `a request was sent ${reopensAt - at} ms before the gate reopened`);
  assert.equal(gate.closures, 1);
});

test('an answer whose x-ratelimit-remaining-requests is 0 holds the next requests until the reset', async () => {
  const gate = createBackoffGate();
  const llm = createOpenAiLlm(settings(2), undefined, { gate });
  fake.setHeaders({ 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '250ms' });
  const from = fake.requests.length;
  await llm.json({ system: 'budget 1', user: 'u', schema, schemaName: 'x' });
  fake.setHeaders({});
  const reopensAt = gate.openAt;
  await llm.json({ system: 'budget 2', user: 'u', schema, schemaName: 'x' });
  assert.equal(fake.requests.length - from, 2);
  assert.ok(reopensAt >= fake.arrivals.at(-2)! + 250, 'the exhausted budget closed the gate until its reset');
  assert.ok(fake.arrivals.at(-1)! >= reopensAt, 'the second request waited for the budget reset');
});
