/**
 * Chaos: CHAOS_DOCS (default 1,000) documents through a 6-stage pipeline in 3 runner processes (the
 * real CLI), while the test SIGKILLs random runners and starts new ones, restarts its own Redis
 * (AOF everysec) and terminates the pipeline's Postgres sessions. Afterwards every document is
 * completed exactly once, nothing is pending, and every duplicate handler execution is accounted
 * for by a redelivery (reclaim, retry, or a re-run after a store outage).
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { createTestDb } from '../helpers/db.ts';
import { OwnRedis, uniquePrefix } from '../helpers/redis.ts';
import { REPO, startRunner, type RunnerProcess } from '../helpers/runner-process.ts';
import { readStateAndHistory } from '../../src/ops/doc.ts';
import { sleep } from '../../src/util/sleep.ts';
import { deadline, eventually, groupInfo, mib, pendingCount, streamEntries, usedMemory } from './support.ts';

const PIPELINE = path.join(REPO, 'test/fixtures/chaos/pipeline.yaml');
const STAGES = ['scan', 'clean', 'chunk', 'tag', 'resolve', 'link'] as const;
const DOCS = Number(process.env['CHAOS_DOCS'] ?? 1000);
const RUNNERS = 3;
/** Chaos stops at this point even if the documents are not all through (then the test fails). */
const CHAOS_BUDGET_MS = Number(process.env['CHAOS_BUDGET_MS'] ?? 150_000);

describe('chaos', { timeout: 330_000 }, () => {
  test(`${DOCS} documents, 6 stages, 3 runners; SIGKILLs, Redis restarts, Postgres sessions terminated: each document completed exactly once`, async () => {
    const own = await OwnRedis.start({ aof: true });
    const db = await createTestDb('chaos');
    const dir = mkdtempSync(path.join(tmpdir(), 'dp-chaos-'));
    const prefix = uniquePrefix('chaos');
    const appName = `dpchaos_${randomBytes(4).toString('hex')}`;
    const redis = new Redis(own.url, { maxRetriesPerRequest: null, retryStrategy: () => 100 });
    redis.on('error', () => {}); // the test restarts this server on purpose
    const runners: RunnerProcess[] = [];
    const env = {
      DOCPIPE_PREFIX: prefix,
      REDIS_URL: own.url,
      DATABASE_URL: db.url,
      PGAPPNAME: appName,
      CHAOS_LOG: path.join(dir, 'runs.log'),
      CHAOS_MAX_MS: '150',
      CHAOS_FAIL_PERMILLE: '10',
      STAGE_IDLE: '2s',
      DOCPIPE_LOG_LEVEL: 'info',
    };
    const launch = () => {
      const r = startRunner([PIPELINE, '--stage', STAGES.join(','), '--grace', '5'], env);
      runners.push(r);
      return r;
    };
    const live = () => runners.filter((r) => r.proc.exitCode === null && r.proc.signalCode === null);
    const figures = { kills: 0, redisRestarts: 0, pgRestarts: 0, pgSessionsTerminated: 0 };
    const killedPids = new Set<number>();
    const started = Date.now();
    try {
      await db.sql`CREATE TABLE chaos_effects (
        document_uuid uuid NOT NULL, stage text NOT NULL, n integer NOT NULL, writes integer NOT NULL,
        last_pid integer NOT NULL, updated_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (document_uuid, stage))`;

      // The documents, as a foreign producer writes them (flat fields, no state yet), in ten waves
      // while the faults land: however fast the pipeline is, the faults happen mid-run.
      const docs = new Map<string, number>();
      const WAVE = Math.ceil(DOCS / 10);
      let produced = 0;
      const produceWave = async () => {
        const produce = redis.pipeline();
        for (const end = Math.min(DOCS, produced + WAVE); produced < end;) {
          const n = ++produced;
          const uuid = randomUUID();
          docs.set(uuid, n);
          produce.xadd(`${prefix}:scan:pending`, '*', 'document_uuid', uuid, 'n', String(n));
        }
        await produce.exec();
      };
      const memoryBefore = await usedMemory(redis);
      await produceWave();

      for (let i = 0; i < RUNNERS; i++) launch();
      const completedCount = () => redis.xlen(`${prefix}:processing:completed`);
      await eventually(async () => (await completedCount()) > 0, 60_000);

      // Chaos: a fault every 700 ms, in rotation, until the documents are through (a wave of documents
      // before each of the first ten faults keeps every kind of fault landing mid-run).
      const faults = ['kill', 'pg', 'kill', 'redis', 'pg', 'kill'] as const;
      let memoryPeak = 0;
      for (let i = 0; Date.now() - started < CHAOS_BUDGET_MS && (produced < DOCS || (await completedCount()) < DOCS); i++) {
        await sleep(700);
        if (produced < DOCS) await produceWave();
        memoryPeak = Math.max(memoryPeak, await usedMemory(redis));
        const fault = faults[i % faults.length]!;
        if (fault === 'kill') {
          const pool = live();
          const victim = pool[Math.floor(Math.random() * pool.length)];
          if (!victim) continue;
          killedPids.add(victim.proc.pid!);
          victim.proc.kill('SIGKILL');
          await victim.exited;
          figures.kills++;
          launch();
        } else if (fault === 'redis') {
          await own.restart(500);
          figures.redisRestarts++;
        } else {
          const [row] = await db.sql<{ n: string }[]>`
            SELECT count(*) AS n FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = ${appName}) t`;
          figures.pgRestarts++;
          figures.pgSessionsTerminated += Number(row?.n ?? 0);
        }
      }
      const chaosMs = Date.now() - started;

      // Let the survivors drain everything: nothing unread, pending or scheduled anywhere.
      const drained = await eventually(
        async () => {
          for (const s of STAGES) {
            for (const g of await groupInfo(redis, `${prefix}:${s}:pending`)) {
              if (Number(g['pending']) > 0 || Number(g['lag'] ?? 1) > 0) return false;
            }
            if ((await redis.zcard(`${prefix}:${s}:retry`)) > 0) return false;
          }
          return (await completedCount()) >= DOCS;
        },
        90_000,
        500,
      );
      const memoryAfter = await usedMemory(redis);
      const exits = await Promise.all(
        live().map(async (r) => {
          await r.waitFor('workers started').catch(() => undefined); // a runner still starting has no SIGTERM handler yet
          r.proc.kill('SIGTERM');
          const exit = await Promise.race([r.exited, deadline(30_000).then(() => 'still running 30 s after SIGTERM' as const)]);
          return { exit, log: typeof exit === 'string' ? lastLines(r.output(), 40) : '' };
        }),
      );
      assert.ok(drained, `the pipeline drained (completed ${await completedCount()} of ${DOCS})`);
      for (const { exit, log } of exits)
        assert.deepEqual(exit, { code: 0, signal: null }, `survivors stop cleanly on SIGTERM; runner log:\n${log}`);

      // 1. Every document completed exactly once: completed stream, state hashes and the database agree.
      const completed = await streamEntries(redis, `${prefix}:processing:completed`);
      const completedUuids = completed.map((e) => e.fields['document_uuid']!);
      assert.equal(completed.length, DOCS, 'one completed entry per document');
      assert.deepEqual(new Set(completedUuids), new Set(docs.keys()), 'the completed entries are the documents, each once');
      const statePipe = redis.pipeline();
      for (const uuid of docs.keys()) statePipe.hget(`${prefix}:doc:${uuid}`, 'state');
      const states = ((await statePipe.exec()) ?? []).map(([, s]) => String(s));
      assert.deepEqual(Object.entries(countBy(states)), [['completed', DOCS]], 'every state hash says completed');
      const rows = await db.sql<{ stage: string; n: string; writes: string }[]>`
        SELECT stage, count(*) AS n, sum(writes) AS writes FROM chaos_effects GROUP BY stage ORDER BY stage`;
      for (const s of STAGES) assert.equal(Number(rows.find((r) => r.stage === s)?.n), DOCS, `stage ${s}: one row per document`);

      // 2. Each stage handed each document off exactly once (the document's history).
      for (const uuid of docs.keys()) {
        const { history } = await readStateAndHistory(redis, `${prefix}:doc:${uuid}`, `${prefix}:doc:${uuid}:events`);
        const succeeded = history.filter((e) => e.event === 'SUCCEED');
        // a SUCCEED moves a document from its stage (queued, running or retrying) to the next stage's queue
        assert.deepEqual(
          succeeded.map((e) => e.to).sort(),
          [...STAGES.slice(1).map((s) => `${s}.queued`), 'completed'].sort(),
          'one SUCCEED per stage',
        );
      }

      // 3. Nothing pending, scheduled or dead-lettered.
      for (const s of STAGES) {
        assert.equal(await pendingCount(redis, `${prefix}:${s}:pending`, `${s}-service-group`), 0, `${s}: nothing pending`);
        assert.equal(await redis.zcard(`${prefix}:${s}:retry`), 0, `${s}: no retry scheduled`);
        assert.equal(await redis.xlen(`${prefix}:${s}:dlq`), 0, `${s}: nothing dead-lettered`);
      }

      // 4. Duplicate executions are at-least-once redeliveries, never a second handoff.
      const output = runners.map((r) => r.output()).join('\n');
      const reclaims = count(output, 'reclaimed an entry from a dead worker') + count(output, 'reclaimed a suspected crash-loop entry');
      const storeReruns = count(output, 'infrastructure failure (not counted as an attempt)');
      let retried = 0;
      let skipped = 0;
      for (const s of STAGES) {
        const stats = await redis.hgetall(`${prefix}:stats:${s}`);
        retried += Number(stats['retried'] ?? 0);
        skipped += Number(stats['skipped'] ?? 0);
      }
      const stale = count(output, 'stale entry: another run owns the document');
      const log = readFileSync(env.CHAOS_LOG, 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.split(' '));
      const executions = log.filter((l) => l[4] === 'start').length;
      const finished = new Set(log.filter((l) => l[4] !== 'start').map((l) => l.slice(0, 4).join(' ')));
      const cutShort = log.filter((l) => l[4] === 'start' && killedPids.has(Number(l[2])) && !finished.has(l.slice(0, 4).join(' '))).length;
      const writes = rows.reduce((sum, r) => sum + Number(r.writes), 0);
      const expected = DOCS * STAGES.length;
      const extraExecutions = executions - expected;
      const extraWrites = writes - expected;
      const [dupRows] = await db.sql<{ n: string }[]>`SELECT count(*) AS n FROM chaos_effects WHERE writes > 1`;
      process.stdout.write(
        [
          `# chaos: ${DOCS} documents x ${STAGES.length} stages, ${RUNNERS} runners; chaos for ${(chaosMs / 1000).toFixed(1)} s, total ${((Date.now() - started) / 1000).toFixed(1)} s`,
          `# faults: runner SIGKILLs ${figures.kills}, Redis restarts ${figures.redisRestarts}, Postgres terminations ${figures.pgRestarts} (${figures.pgSessionsTerminated} sessions)`,
          `# handler executions ${executions} for ${expected} stage-documents (+${extraExecutions}; ${cutShort} cut short by a SIGKILL)`,
          `# effect writes ${writes} (+${extraWrites} rewrites of the same row; ${dupRows?.n} rows written more than once); rows ${expected} = one per document per stage`,
          `# redeliveries: reclaims ${reclaims}, retries ${retried}, re-runs after a store outage ${storeReruns}; duplicates suppressed by the guard (skipped) ${skipped}, stale handoffs ${stale}`,
          `# redis used_memory: before ${mib(memoryBefore)}, peak during ${mib(memoryPeak)}, after ${mib(memoryAfter)}`,
        ].join('\n') + '\n',
      );
      assert.ok(
        figures.kills >= 3 && figures.redisRestarts >= 1 && figures.pgRestarts >= 2 && figures.pgSessionsTerminated > 0,
        `enough faults happened mid-run: ${JSON.stringify(figures)}`,
      );
      assert.ok(extraWrites <= extraExecutions, 'a row is only rewritten by an extra execution');
      assert.ok(
        extraExecutions <= reclaims + retried + storeReruns,
        `every extra execution (${extraExecutions}) is a redelivery (${reclaims} reclaims + ${retried} retries + ${storeReruns} store re-runs)`,
      );
    } finally {
      for (const r of live()) r.proc.kill('SIGKILL');
      await Promise.race([Promise.all(runners.map((r) => r.exited)), deadline(10_000)]);
      redis.disconnect();
      await own.stop();
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** The runner's last log lines, without the per-message "stage done" lines. */
function lastLines(output: string, n: number): string {
  return output
    .split('\n')
    .filter((l) => !l.includes('"stage done"'))
    .slice(-n)
    .map((l) => l.slice(0, 400))
    .join('\n');
}

function count(text: string, needle: string): number {
  let n = 0;
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length)) n++;
  return n;
}

function countBy(values: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}
