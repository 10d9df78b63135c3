import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PipelineMetrics } from '../../src/ops/metrics.ts';
import { emptyUsage } from '../../src/providers/types.ts';

test('#23.7: the metrics endpoint reports the LLM tokens, requests, re-asks and cache hits of the process', async () => {
  const usage = { ...emptyUsage(), requests: 7, promptTokens: 1200, completionTokens: 300, reasks: 1, cacheHits: 2 };
  const metrics = new PipelineMetrics({ processMetrics: false }).attach({
    redis: undefined as never,
    config: undefined as never,
    machine: undefined as never,
    llm: { usage },
  });
  const tokens = await metrics.registry.getSingleMetricAsString('docpipe_llm_tokens_total');
  assert.match(tokens, /docpipe_llm_tokens_total\{kind="prompt"\} 1200/);
  assert.match(tokens, /docpipe_llm_tokens_total\{kind="completion"\} 300/);
  usage.promptTokens += 50; // totals grow as the client spends; a scrape reads them afresh
  assert.match(await metrics.registry.getSingleMetricAsString('docpipe_llm_tokens_total'), /kind="prompt"\} 1250/);
  const requests = await metrics.registry.getSingleMetricAsString('docpipe_llm_requests_total');
  assert.match(requests, /kind="sent"\} 7/);
  assert.match(requests, /kind="reask"\} 1/);
  assert.match(requests, /kind="cache_hit"\} 2/);
});
