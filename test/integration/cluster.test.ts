/**
 * Scale-out on a real local Redis Cluster (3 masters + 3 replicas): the engine's scenario with one
 * runner process per stage, a master SIGKILLed mid-run and its replica promoted.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Cluster } from 'ioredis';
import { LocalCluster } from '../helpers/cluster.ts';
import { REPO, startRunner, type RunnerProcess } from '../helpers/runner-process.ts';
import { loadPipelineText } from '../../src/config/load.ts';
import { REDIS_CHECKS } from '../../src/worker/preflight.ts';

const PIPELINE = path.join(REPO, 'test/fixtures/engine/pipeline.yaml');
let cluster: LocalCluster;

before(async () => {
  cluster = await LocalCluster.start();
});
after(async () => {
  await cluster?.stop();
});

function client(): Cluster {
  const c = new Cluster(
    cluster.ports.map((port) => ({ host: '127.0.0.1', port })),
    { scaleReads: 'master', redisOptions: { maxRetriesPerRequest: null }, clusterRetryStrategy: () => 200 },
  );
  c.on('error', () => {});
  return c;
}

describe('Redis Cluster', { timeout: 240_000 }, () => {
  test('a cluster configuration whose keys would cross slots is refused (the pre-flight every Redis command loads with)', () => {
    const text = `version: 1\nname: x\nprefix: plain\nredis: { url: "redis+cluster://127.0.0.1:7000" }\nstages:\n  - { name: a, handler: ./a.ts, input: ./a.json }\n`;
    const bad = loadPipelineText('/tmp/p.yaml', text, {}, REDIS_CHECKS);
    assert.equal(bad.config, undefined);
    assert.match(bad.problems[0]!.message, /one hash slot/);
    assert.equal(bad.problems[0]!.line, 3);
    const good = loadPipelineText('/tmp/p.yaml', text.replace('prefix: plain', 'prefix: "{plain}"'), {}, REDIS_CHECKS);
    assert.deepEqual(good.problems, []);
  });

  test('300 documents, one runner per stage, a master killed mid-run: every document completed exactly once', async () => {
    const prefix = `{dpc-${randomBytes(3).toString('hex')}}`;
    const redis = client();
    const runners: RunnerProcess[] = [];
    try {
      const stream = `${prefix}:extract:pending`;
      const docs = new Set<string>();
      for (let n = 1; n <= 300; n++) {
        const uuid = randomUUID();
        docs.add(uuid);
        await redis.xadd(stream, '*', 'document_uuid', uuid, 'source_doc_sql_id', String(n), 'n', String(n), 'meta', '{"tags":["x","y"]}');
      }
      const env = { DOCPIPE_PREFIX: prefix, REDIS_URL: cluster.url, SLOW_MS: '30', FAIL_EVERY: '25', STAGE_IDLE: '2s' };
      for (const stage of ['extract', 'enrich', 'publish']) runners.push(startRunner([PIPELINE, '--stage', stage, '--until-idle'], env));

      const completed = `${prefix}:processing:completed`;
      for (let i = 0; i < 400 && Number(await redis.xlen(completed).catch(() => 0)) < 60; i++) await new Promise((r) => setTimeout(r, 50));
      const victim = await cluster.masterOf(stream);
      await cluster.kill(victim);
      let promoted = victim;
      for (let i = 0; i < 300 && promoted === victim; i++) {
        await new Promise((r) => setTimeout(r, 100));
        promoted = await cluster.masterOf(stream);
      }
      assert.notEqual(promoted, victim, 'a replica took over the slot');
      await cluster.waitHealthy(60_000);

      const exits = await Promise.all(runners.map((r) => r.exited));
      exits.forEach((e, i) => assert.equal(e.code, 0, runners[i]!.output().slice(-2000)));
      process.stdout.write(`# killed master ${victim}; slot now on ${promoted}\n`);

      const entries = await redis.xrange(completed, '-', '+');
      const uuids = entries.map(([, f]) => f[f.indexOf('document_uuid') + 1]!);
      assert.equal(uuids.length, 300, 'exactly one completed entry per document');
      assert.deepEqual(new Set(uuids), docs);
      for (const stage of ['extract', 'enrich', 'publish']) {
        const [pending] = (await redis.xpending(`${prefix}:${stage}:pending`, `${stage}-service-group`)) as [number];
        assert.equal(Number(pending), 0, `${stage}: nothing pending`);
      }
    } finally {
      for (const r of runners) if (r.proc.exitCode === null) r.proc.kill('SIGKILL');
      redis.disconnect();
    }
  });
});
