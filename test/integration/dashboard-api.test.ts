/**
 * The dashboard's HTTP API without a browser, on the fixture pipeline with a dead letter: reads agree
 * with Redis, actions are refused without --allow-actions (403) and without the bearer token (401),
 * and a redrive with the token puts the document back in its stage.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import pino from 'pino';
import { dashboardCommand } from '../../src/cli/dashboard.ts';
import { loadPipeline } from '../../src/config/load.ts';
import type { PipelineConfig } from '../../src/config/types.ts';
import { startDashboard, type Dashboard } from '../../src/dashboard/server.ts';
import { connectOpsRedis } from '../../src/ops/connect.ts';
import type { DocumentReport } from '../../src/ops/doc.ts';
import type { ActionResult, DeadLetterSummary } from '../../src/ops/dlq.ts';
import type { RedisClient } from '../../src/streams/redis.ts';
import { noStore } from '../../src/store/none.ts';
import { Runner } from '../../src/worker/runner.ts';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../helpers/redis.ts';
import { REPO } from '../helpers/runner-process.ts';
import { withEnv } from '../helpers/in-process.ts';

const PIPELINE = path.join(REPO, 'test/fixtures/ops/pipeline.yaml');
const silent = pino({ level: 'silent' });
const prefix = uniquePrefix('dash-api');
const TOKEN = 'api-test-token-0123456789';
const POISON = 2;

const env = { DOCPIPE_PREFIX: prefix, REDIS_URL: TEST_REDIS_URL };

interface Reply<T> {
  status: number;
  body: T;
  headers: Headers;
}
async function call<T = Record<string, unknown>>(base: string, p: string, init: RequestInit = {}): Promise<Reply<T>> {
  const res = await fetch(new URL(p, base), init);
  const text = await res.text();
  return {
    status: res.status,
    body: (res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text) as T,
    headers: res.headers,
  };
}
const post = (token: string | undefined, body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
  body: JSON.stringify(body),
});

describe('dashboard API', { timeout: 60_000 }, () => {
  const redis = new Redis(TEST_REDIS_URL);
  let config: PipelineConfig;
  let ops: RedisClient;
  let readOnly: Dashboard;
  let actions: Dashboard;
  const docs: string[] = [];

  before(async () => {
    config = await withEnv(env, async () => loadPipeline(PIPELINE));
    const pipe = redis.pipeline();
    for (let n = 1; n <= 3; n++) {
      const uuid = randomUUID();
      docs.push(uuid);
      pipe.xadd(
        `${prefix}:extract:pending`,
        '*',
        'document_uuid',
        uuid,
        'source_doc_sql_id',
        String(n),
        'n',
        String(n),
        'meta',
        '{"tags":["a"]}',
      );
    }
    await pipe.exec();
    await withEnv({ ...env, POISON: String(POISON) }, async () => {
      const runner = await Runner.create(loadPipeline(PIPELINE), { log: silent, store: noStore() });
      runner.start();
      try {
        await runner.waitUntilIdle();
      } finally {
        await runner.stop(2000);
        await runner.close();
      }
    });
    ops = connectOpsRedis(config);
    readOnly = await startDashboard({ config, redis: ops, port: 0, log: silent });
    actions = await startDashboard({ config, redis: ops, port: 0, allowActions: true, token: TOKEN, log: silent });
  });

  after(async () => {
    await readOnly?.close();
    await actions?.close();
    ops?.disconnect();
    redis.disconnect();
    await dropPrefix(TEST_REDIS_URL, prefix);
  });

  test('binds 127.0.0.1 by default and serves one self-contained page with a strict CSP', async () => {
    assert.match(readOnly.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await call<string>(readOnly.url, '/');
    assert.equal(page.status, 200);
    assert.match(page.body, /<title>docpipe dashboard<\/title>/);
    assert.doesNotMatch(page.body, /\b(src|href)="https?:/, 'nothing loaded from another origin');
    const csp = page.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'sha256-[^']+'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    // a page on another site reaching it through DNS rebinding carries its own host name
    const statusFor = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request(new URL('/api/overview', readOnly.url), { headers: { host } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject).end();
      });
    assert.equal(await statusFor('evil.example:80'), 421);
    assert.equal(await statusFor(`localhost:${readOnly.port}`), 200);
  });

  test('overview: every stage figure and the documents by state agree with Redis', async () => {
    const { status, body } = await call<{
      stages: Array<Record<string, unknown> & { stage: string; series: number[]; total: { processed: number } }>;
      documents: Record<string, number>;
      allow_actions: boolean;
    }>(readOnly.url, '/api/overview');
    assert.equal(status, 200);
    assert.equal(body.allow_actions, false);
    assert.deepEqual(
      body.stages.map((s) => s.stage),
      ['extract', 'enrich', 'publish'],
    );
    for (const s of body.stages) {
      assert.equal(s['dlq_size'], await redis.xlen(`${prefix}:${s.stage}:dlq`), `${s.stage} dlq`);
      assert.equal(s['length'], await redis.xlen(`${prefix}:${s.stage}:pending`), `${s.stage} length`);
      assert.equal(s['scheduled_retries'], await redis.zcard(`${prefix}:${s.stage}:retry`), `${s.stage} retries`);
      assert.equal(s.total.processed, Number((await redis.hget(`${prefix}:stats:${s.stage}`, 'processed')) ?? 0), `${s.stage} processed`);
      assert.equal(s.series.length, 30);
      assert.equal(
        s.series.reduce((a, b) => a + b, 0),
        s.total.processed,
        'everything happened in the last 30 minutes',
      );
    }
    assert.equal(body.documents['completed'], 2);
    assert.equal(body.documents['failed'], 1);
  });

  test('documents by state, by uuid prefix, and a timeline', async () => {
    const poisoned = docs[POISON - 1]!;
    const failed = await call<{ documents: Array<{ document_uuid: string; state: string; error: string }>; matched: number }>(
      readOnly.url,
      '/api/documents?state=failed',
    );
    assert.deepEqual(
      failed.body.documents.map((d) => [d.document_uuid, d.state]),
      [[poisoned, 'failed']],
    );
    assert.match(failed.body.documents[0]!.error, /is poison/);
    const byPrefix = await call<{ matched: number; documents: Array<{ document_uuid: string }> }>(
      readOnly.url,
      `/api/documents?q=${docs[0]!.slice(0, 13)}`,
    );
    assert.deepEqual(
      byPrefix.body.documents.map((d) => d.document_uuid),
      [docs[0]],
    );
    assert.equal((await call<{ matched: number }>(readOnly.url, '/api/documents?q=*')).body.matched, 0, 'no glob through the search box');
    const doc = await call<DocumentReport>(readOnly.url, `/api/documents/${poisoned}`);
    assert.equal(doc.status, 200);
    assert.ok(doc.body.history.length >= 2, 'the document went through extract before enrich failed it');
    assert.equal(doc.body.history.at(-1)!.event, 'FAIL');
    assert.match(doc.body.history.at(-1)!.error, /is poison/);
    assert.equal(doc.body.history.at(-1)!.to, 'failed');
    assert.equal((await call(readOnly.url, `/api/documents/${randomUUID()}`)).status, 404);
    assert.equal((await call(readOnly.url, '/api/documents/nope')).status, 400);
  });

  test('actions: 403 without --allow-actions, 401 without the right token, then a redrive', async () => {
    const dlq = await call<{ entries: DeadLetterSummary[]; sizes: Record<string, number> }>(readOnly.url, '/api/dlq');
    assert.deepEqual(dlq.body.sizes, { extract: 0, enrich: 1, publish: 0 });
    const entry = dlq.body.entries[0]!;
    assert.equal(entry.document_uuid, docs[POISON - 1]);
    assert.equal(entry.error_code, 'DP_ERR_HANDLER_PERMANENT');
    const sel = { stage: 'enrich', ids: [entry.id] };

    for (const action of ['redrive', 'purge']) {
      assert.equal((await call(readOnly.url, `/api/dlq/${action}`, post(TOKEN, sel))).status, 403, `${action} on a read-only dashboard`);
      const noToken = await call(actions.url, `/api/dlq/${action}`, post(undefined, sel));
      assert.equal(noToken.status, 401, `${action} without a token`);
      assert.equal(noToken.headers.get('www-authenticate'), 'Bearer realm="docpipe"');
      assert.equal((await call(actions.url, `/api/dlq/${action}`, post('wrong', sel))).status, 401, `${action} with a wrong token`);
    }
    assert.equal(await redis.xlen(`${prefix}:enrich:dlq`), 1, 'nothing was touched');
    assert.equal((await call(actions.url, '/api/dlq/redrive', post(TOKEN, { ids: ['*'] }))).status, 400);
    assert.equal((await call(actions.url, '/api/dlq/redrive', post(TOKEN, { stage: 'nope', ids: [entry.id] }))).status, 400);

    const done = await call<ActionResult>(actions.url, '/api/dlq/redrive', post(TOKEN, sel));
    assert.equal(done.status, 200);
    assert.deepEqual(
      done.body.done.map((d) => d.document_uuid),
      [docs[POISON - 1]],
    );
    assert.equal(await redis.xlen(`${prefix}:enrich:dlq`), 0);
    assert.equal(await redis.hget(`${prefix}:doc:${docs[POISON - 1]}`, 'state'), 'enrich.queued');
  });

  test("served by a runner in-process on the runner's own connection (docpipe-run --dashboard)", async () => {
    await withEnv(env, async () => {
      const runner = await Runner.create(loadPipeline(PIPELINE), { log: silent, store: noStore() });
      const dashboard = await startDashboard({ config: runner.config, redis: runner.redis, port: 0, log: silent });
      try {
        const overview = await call<{ prefix: string; stages: unknown[] }>(dashboard.url, '/api/overview');
        assert.equal(overview.status, 200);
        assert.equal(overview.body.prefix, prefix);
        assert.equal(overview.body.stages.length, 3);
        assert.equal((await call(dashboard.url, '/api/dlq/purge', post(TOKEN, { ids: ['1-1'] }))).status, 403);
        await assert.rejects(startDashboard({ config: runner.config, redis: runner.redis, port: 0, allowActions: true }), /token/);
      } finally {
        await dashboard.close();
        await runner.close();
      }
    });
  });

  test('docpipe dashboard refuses --allow-actions without DOCPIPE_DASHBOARD_TOKEN, and serves until stopped', async () => {
    const errors: string[] = [];
    const lines: string[] = [];
    const out = { log: (s: string) => lines.push(s), error: (s: string) => errors.push(s) };
    const refused = await withEnv(env, () =>
      dashboardCommand(PIPELINE, { allowActions: true, port: '0' }, out, { ...process.env, DOCPIPE_DASHBOARD_TOKEN: '' }),
    );
    assert.equal(refused, 2);
    assert.match(errors.join('\n'), /DOCPIPE_DASHBOARD_TOKEN/);

    const stop = new AbortController();
    const running = withEnv(env, () =>
      dashboardCommand(
        PIPELINE,
        { port: '0', signal: stop.signal, log: silent },
        {
          log: (s) => {
            lines.push(s);
            const url = /at (http:\S+)/.exec(s)?.[1];
            if (url)
              void call(url, '/healthz').then((r) => {
                lines.push(`healthz ${r.status}`);
                stop.abort();
              });
          },
          error: (s) => errors.push(s),
        },
      ),
    );
    assert.equal(await running, 0);
    assert.match(lines.join('\n'), /at http:\/\/127\.0\.0\.1:\d+\/ \(read-only/);
    assert.ok(lines.includes('healthz 200'));
  });
});
