/**
 * The LLM path under rate limiting (#23.6): the NER recogniser over oracle documents against the fake
 * OpenAI server (20 ms per answer), once clean and once with 20% of requests answered 429 with a
 * retry-after, 8 documents in flight over a 4-slot client. Prints wall time, requests and the ratio;
 * asserts nothing (speed is measured, never asserted).
 * Usage: node --import tsx bench/llm-throttle.ts [documents=64] [retry-after-ms=100] [rate-limit per 250 ms=8]
 */
import { recogniseWithLlm } from '../src/nlp/ner/llm.ts';
import { createOpenAiLlm } from '../src/providers/llm/openai.ts';
import { composeDocuments, labelledSentences, oracleResponder, prng } from '../test/fakes/ner-oracle.ts';
import { startFakeOpenAi } from '../test/fakes/openai-server.ts';
import { chunkSpans } from '../test/stages/ner-seed.ts';

/** BENCH_LLM_CLIENT=<module path> compares another client module exporting createOpenAiLlm (e.g. an older version). */
const other = process.env['BENCH_LLM_CLIENT'];
const create: typeof createOpenAiLlm = other
  ? ((await import(other)) as { createOpenAiLlm: typeof createOpenAiLlm }).createOpenAiLlm
  : createOpenAiLlm;

const count = Number(process.argv[2] ?? 64);
const retryAfterMs = Number(process.argv[3] ?? 100);
const docs = composeDocuments(labelledSentences(), count, 8, 4242);

async function run(
  rate429: number,
  limit?: { perWindow: number; windowMs: number },
): Promise<{ ms: number; requests: number; throttled: number }> {
  const fake = await startFakeOpenAi(oracleResponder(docs));
  fake.setDelay(20);
  if (rate429 > 0) fake.setFaults({ rate: rate429, kinds: ['429'], random: prng(11), retryAfterMs });
  fake.setRateLimit(limit);
  const llm = create(
    { provider: 'openai', base_url: fake.baseURL, model: 'fake', api_key_env: 'DOCPIPE_BENCH_NO_KEY', concurrency: 4, timeoutMs: 10_000 },
    undefined,
    { maxRetries: 20 },
  );
  const started = Date.now();
  let next = 0;
  const worker = async () => {
    while (next < docs.length) {
      const d = docs[next++]!;
      const chunks = chunkSpans(d.text, 320, 90).map(([s, e], key) => ({ key, text: d.text.slice(s, e) }));
      await recogniseWithLlm(llm, chunks);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  const ms = Date.now() - started;
  const out = { ms, requests: fake.requests.length, throttled: fake.faultCounts['429'] };
  await fake.close();
  return out;
}

await run(0); // warm-up
const clean = await run(0);
const throttled = await run(0.2);
console.log(`clean:     ${clean.ms} ms, ${clean.requests} requests`);
console.log(
  `20% 429s:  ${throttled.ms} ms, ${throttled.requests} requests (${throttled.throttled} answered 429, retry-after ${retryAfterMs} ms)`,
);
console.log(`ratio throttled/clean: ${(throttled.ms / clean.ms).toFixed(2)}`);
// a server-side limiter (the real case: 429s come from load, not chance): perWindow requests per 250 ms
const perWindow = Number(process.argv[4] ?? 8);
const limited = await run(0, { perWindow, windowMs: 250 });
console.log(
  `rate limit ${perWindow}/250ms: ${limited.ms} ms, ${limited.requests} requests (${limited.throttled} answered 429, ${((100 * limited.throttled) / limited.requests).toFixed(0)}%)`,
);
console.log(`ratio limited/clean: ${(limited.ms / clean.ms).toFixed(2)}`);
