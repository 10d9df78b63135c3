/**
 * "Consumers alive" on the real Redis (7.0 here): XINFO CONSUMERS `idle` is not reset by a read that
 * returns nothing before Redis 7.2, so a quiet live worker looked dead to `status`, the dashboard,
 * `docpipe_stage_consumers_alive` and the pruner. Liveness now comes from each worker's own key;
 * a graceful stop removes the worker's consumers (they own nothing).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { after, test } from 'node:test';
import { Redis } from 'ioredis';
import { loadPipeline } from '../../src/config/load.ts';
import { PipelineMetrics } from '../../src/ops/metrics.ts';
import { collectStatus } from '../../src/ops/status.ts';
import { Keys } from '../../src/streams/keys.ts';
import { noStore } from '../../src/store/none.ts';
import { Runner } from '../../src/worker/runner.ts';
import { parsePrometheusText, sampleValue } from '../fixtures/ops/prom-text.ts';
import { silentLog, waitFor, withEnv } from '../helpers/in-process.ts';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../helpers/redis.ts';
import { REPO } from '../helpers/runner-process.ts';

const PIPELINE = path.join(REPO, 'test/fixtures/engine/pipeline.yaml');
/** Longer than any idle threshold the old XINFO-based check allowed this pipeline (10 s). */
const QUIET_MS = 11_000;
const prefix = uniquePrefix('alive');
const redis = new Redis(TEST_REDIS_URL);

after(async () => {
  await dropPrefix(TEST_REDIS_URL, prefix);
  redis.disconnect();
});

function consumers(stream: string, group: string): Promise<Array<{ name: string; idle: number; pending: number }>> {
  return (redis.xinfo('CONSUMERS', stream, group) as Promise<unknown[][]>).then((rows) =>
    rows.map((r) => {
      const m: Record<string, unknown> = {};
      for (let i = 0; i + 1 < r.length; i += 2) m[String(r[i])] = r[i + 1];
      return { name: String(m['name']), idle: Number(m['idle']), pending: Number(m['pending']) };
    }),
  );
}

test(
  'a live worker that has been quiet longer than the idle threshold shows alive, is not pruned, and leaves its groups at a graceful stop',
  { timeout: 90_000 },
  async () => {
    await withEnv({ DOCPIPE_PREFIX: prefix, REDIS_URL: TEST_REDIS_URL }, async () => {
      const config = loadPipeline(PIPELINE);
      const runner = await Runner.create(config, { log: silentLog, store: noStore() });
      const metrics = new PipelineMetrics({ documentsEveryMs: 0, processMetrics: false });
      metrics.attach({ redis: runner.redis, config, machine: runner.machine });
      const ops = { config, keys: new Keys(config.prefix), machine: runner.machine, redis: runner.redis, redisError: () => undefined };
      const first = config.stages[0]!;
      for (let n = 1; n <= 3; n++) {
        await redis.xadd(
          first.stream,
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
      runner.start();
      let stopped = false;
      try {
        await runner.waitUntilIdle();
        // every stage's consumer exists; a dead host's consumer too (registered, never heard from again)
        await redis.call('XGROUP', 'CREATECONSUMER', first.stream, first.group, 'dead-host-1');
        await new Promise((r) => setTimeout(r, QUIET_MS)); // nothing to read: the workers only block on empty streams

        const report = await collectStatus(ops, Date.now(), { documents: false });
        for (const s of report.stages) {
          const mine = s.consumers.find((c) => c.name === runner.consumer);
          assert.ok(mine, `${s.stage}: the runner's consumer is registered`);
          assert.equal(mine.alive, true, `${s.stage}: the quiet live worker is alive (XINFO idle ${mine.idle_ms} ms)`);
        }
        assert.equal(
          report.stages[0]!.consumers.find((c) => c.name === 'dead-host-1')?.alive,
          false,
          'a consumer with no live worker is dead',
        );
        assert.equal(report.stages[0]!.consumers_alive, 1);
        const exposition = parsePrometheusText(await metrics.registry.metrics());
        for (const s of config.stages)
          assert.equal(sampleValue(exposition, 'docpipe_stage_consumers_alive', { stage: s.name }), 1, `metric for ${s.name}`);

        // another process prunes consumers idle over 1 s that own nothing: only the dead one goes
        const removed = await runner.broker.pruneConsumers(first, 'other-host-2', 1_000);
        assert.deepEqual(removed, ['dead-host-1']);
        assert.ok(
          (await consumers(first.stream, first.group)).some((c) => c.name === runner.consumer),
          'the live worker keeps its consumer',
        );

        await runner.stop(2_000);
        stopped = true;
        for (const s of config.stages) {
          assert.deepEqual(await consumers(s.stream, s.group), [], `${s.name}: the stopped runner's consumer left the group`);
          assert.equal(await redis.exists(new Keys(config.prefix).consumerAlive(s.name, runner.consumer)), 0, 'liveness key deleted');
        }
        await waitFor('status sees no consumer', async () =>
          (await collectStatus(ops, Date.now(), { documents: false })).stages.every((s) => s.consumers.length === 0),
        );
      } finally {
        if (!stopped) await runner.stop(2_000);
        await runner.close();
      }
    });
  },
);

test('a graceful stop keeps a consumer that still owns pending entries (they stay for reclaim)', { timeout: 30_000 }, async () => {
  await withEnv({ DOCPIPE_PREFIX: prefix, REDIS_URL: TEST_REDIS_URL }, async () => {
    const config = loadPipeline(PIPELINE);
    const runner = await Runner.create(config, { log: silentLog, store: noStore() });
    const stage = config.stages[1]!;
    try {
      await redis.xadd(stage.stream, '*', 'document_uuid', randomUUID(), 'x', '1');
      // the runner's consumer name reads an entry it never acknowledges (as a crashed handler would leave it)
      await redis.xreadgroup('GROUP', stage.group, runner.consumer, 'COUNT', 1, 'STREAMS', stage.stream, '>');
      assert.equal(await runner.broker.retireConsumer(stage, runner.consumer), false);
      assert.equal((await consumers(stage.stream, stage.group)).find((c) => c.name === runner.consumer)?.pending, 1);
    } finally {
      await runner.close();
    }
  });
});
