/**
 * `/metrics` of a running pipeline: valid Prometheus text, counters moving as documents flow, gauges
 * equal to what Redis holds.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import pino from 'pino';
import { loadPipeline } from '../../src/config/load.ts';
import { PipelineMetrics, startMetricsServer } from '../../src/ops/metrics.ts';
import { noStore } from '../../src/store/none.ts';
import { Runner } from '../../src/worker/runner.ts';
import { parsePrometheusText, sampleValue, type Exposition } from '../fixtures/ops/prom-text.ts';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../helpers/redis.ts';
import { REPO } from '../helpers/runner-process.ts';

const PIPELINE = path.join(REPO, 'test/fixtures/ops/pipeline.yaml');
const prefix = uniquePrefix('opsmetrics');

after(async () => {
  await dropPrefix(TEST_REDIS_URL, prefix);
});

async function scrape(url: string): Promise<Exposition> {
  const res = await fetch(url);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(await res.text());
}

function produce(redis: Redis, from: number, count: number): Promise<unknown> {
  const pipe = redis.pipeline();
  for (let n = from; n < from + count; n++) {
    pipe.xadd(
      `${prefix}:extract:pending`,
      '*',
      'document_uuid',
      randomUUID(),
      'source_doc_sql_id',
      String(n),
      'n',
      String(n),
      'meta',
      '{"tags":["a"]}',
    );
  }
  return pipe.exec();
}

describe('metrics endpoint', { timeout: 60_000 }, () => {
  test('parses as Prometheus text; counters increase as documents flow', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { DOCPIPE_PREFIX: prefix, REDIS_URL: TEST_REDIS_URL, POISON: '4', FAIL_EVERY: '5' });
    const config = loadPipeline(PIPELINE);
    const metrics = new PipelineMetrics({ documentsEveryMs: 0 });
    const runner = await Runner.create(config, { log: pino({ level: 'silent' }), store: noStore(), onOutcome: metrics.observe });
    metrics.attach({ redis: runner.redis, config, machine: runner.machine });
    const server = await startMetricsServer({ port: 0, host: '127.0.0.1', metrics });
    const redis = new Redis(TEST_REDIS_URL);
    try {
      const before = await scrape(server.url);
      assert.equal(before.types.get('docpipe_stage_processed_total'), 'counter');
      assert.equal(before.types.get('docpipe_stage_handler_duration_seconds'), 'histogram');
      for (const g of [
        'docpipe_stream_lag',
        'docpipe_stream_pending',
        'docpipe_dlq_entries',
        'docpipe_documents',
        'docpipe_retries_scheduled',
        'docpipe_stage_consumers_alive',
      ])
        assert.equal(before.types.get(g), 'gauge', g);
      assert.ok(before.types.has('process_cpu_user_seconds_total'), 'process metrics');
      assert.equal(sampleValue(before, 'docpipe_stage_processed_total', { stage: 'extract', outcome: 'processed' }), undefined);
      assert.equal(sampleValue(before, 'docpipe_redis_up'), 1);

      // produced before the workers start: the lag gauge shows them
      await produce(redis, 1, 5);
      const queued = await scrape(server.url);
      assert.equal(sampleValue(queued, 'docpipe_stream_lag', { stage: 'extract' }), 5);

      runner.start();
      await runner.waitUntilIdle();
      const first = await scrape(server.url);
      assert.equal(sampleValue(first, 'docpipe_stage_processed_total', { stage: 'extract', outcome: 'processed' }), 5);
      assert.equal(sampleValue(first, 'docpipe_stage_processed_total', { stage: 'enrich', outcome: 'processed' }), 4);
      assert.equal(sampleValue(first, 'docpipe_stage_processed_total', { stage: 'enrich', outcome: 'dead_lettered' }), 1);
      assert.equal(sampleValue(first, 'docpipe_stage_processed_total', { stage: 'enrich', outcome: 'retried' }), 1); // n=5 fails its first attempt
      assert.equal(sampleValue(first, 'docpipe_stage_handler_duration_seconds_count', { stage: 'publish', outcome: 'processed' }), 4);
      assert.equal(sampleValue(first, 'docpipe_dlq_entries', { stage: 'enrich' }), await redis.xlen(`${prefix}:enrich:dlq`));
      assert.equal(sampleValue(first, 'docpipe_documents', { state: 'completed' }), 4);
      assert.equal(sampleValue(first, 'docpipe_documents', { state: 'failed' }), 1);
      assert.equal(sampleValue(first, 'docpipe_stream_lag', { stage: 'extract' }), 0);
      assert.ok((sampleValue(first, 'docpipe_stage_consumers_alive', { stage: 'enrich' }) ?? 0) >= 1);

      await produce(redis, 6, 5);
      await runner.waitUntilIdle();
      const second = await scrape(server.url);
      assert.equal(sampleValue(second, 'docpipe_stage_processed_total', { stage: 'extract', outcome: 'processed' }), 10);
      assert.equal(sampleValue(second, 'docpipe_stage_processed_total', { stage: 'publish', outcome: 'processed' }), 9);
      assert.equal(sampleValue(second, 'docpipe_documents', { state: 'completed' }), 9);

      const health = await fetch(server.url.replace('/metrics', '/healthz'));
      assert.equal(health.status, 200);
      assert.equal((await fetch(server.url.replace('/metrics', '/nope'))).status, 404);
    } finally {
      await server.close();
      await runner.stop(2000);
      await runner.close();
      redis.disconnect();
      process.env = saved;
    }
  });
});
