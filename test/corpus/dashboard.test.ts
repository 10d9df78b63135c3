/**
 * The dashboard in a real browser (Debian `chromium` driven by playwright-core): a pipeline with
 * documents in every state (completed, failed in the DLQ, retrying, running, queued), the dashboard
 * started as `docpipe dashboard --allow-actions` with a token; the numbers on the page match Redis,
 * the token is typed into the page, a click on "redrive" puts the dead letter back, the pipeline runs
 * again without the poison switch, and the page shows the document `completed`. Screenshots go to
 * test-artifacts/. Needs /usr/bin/chromium (`npm run test:corpus` checks it is there; `.ci/run` installs it).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { Redis } from 'ioredis';
import pino from 'pino';
import { chromium, type Page } from 'playwright-core';
import { dashboardCommand } from '../../src/cli/dashboard.ts';
import { loadPipeline } from '../../src/config/load.ts';
import { createDocumentMachine } from '../../src/state/machine.ts';
import { Broker } from '../../src/streams/broker.ts';
import { connectRedis } from '../../src/streams/redis.ts';
import { Runner } from '../../src/worker/runner.ts';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../helpers/redis.ts';
import { REPO } from '../helpers/runner-process.ts';
import { runFixturePipeline, waitFor, withEnv } from '../helpers/in-process.ts';

// The few browser globals the page functions below use (this project compiles without the DOM lib;
// page functions run in the page, where these exist).
interface PageElement {
  textContent: string | null;
  dataset: Record<string, string | undefined>;
  getAttribute(name: string): string | null;
  querySelector(selector: string): PageElement | null;
}
declare const document: {
  body: PageElement;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): PageElement[];
};
declare const sessionStorage: { getItem(key: string): string | null };

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const PIPELINE = path.join(REPO, 'test/fixtures/ops/pipeline.yaml');
const ARTIFACTS = path.join(REPO, 'test-artifacts');
const TOKEN = `e2e-${randomUUID()}`;
const POISON = 3;
const silent = pino({ level: 'silent' });
const prefix = uniquePrefix('dash-e2e');
const env = { DOCPIPE_PREFIX: prefix, REDIS_URL: TEST_REDIS_URL };

after(async () => {
  await dropPrefix(TEST_REDIS_URL, prefix);
});

/** Completed and dead-lettered documents from a run with POISON, then retrying, running and queued ones through the engine's broker. */
async function documentsInEveryState(
  redis: Redis,
): Promise<{ poisoned: string; extra: Record<'retrying' | 'running' | 'queued', string> }> {
  const docs: string[] = [];
  const pipe = redis.pipeline();
  for (let n = 1; n <= 6; n++) {
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
  await runPipeline({ POISON: String(POISON) }, (r) => r.waitUntilIdle());
  const extra = { retrying: randomUUID(), running: randomUUID(), queued: randomUUID() };
  const config = await withEnv(env, async () => loadPipeline(PIPELINE));
  const conn = connectRedis(config.redis, silent, 'dashboard-e2e');
  try {
    const broker = new Broker(conn, config, createDocumentMachine(config.stages.map((s) => s.name)));
    const extract = config.stages[0]!;
    const fields = (n: number, uuid: string) => ({
      document_uuid: uuid,
      source_doc_sql_id: String(n),
      n: String(n),
      meta: '{"tags":["x"]}',
      attempt_count: '1',
    });
    const take = async (uuid: string, n: number) => {
      await broker.submit(uuid, fields(n, uuid));
      const reply = (await conn.xreadgroup('GROUP', extract.group, 'e2e-worker', 'COUNT', 1, 'STREAMS', extract.stream, '>')) as Array<
        [string, Array<[string, string[]]>]
      >;
      const id = reply[0]![1][0]![0];
      assert.equal((await broker.begin(extract, id, uuid, 'e2e-worker', 1)).started, true);
      return id;
    };
    const retryId = await take(extra.retrying, 101);
    // the retry is due in an hour: it stays `extract.retrying` for the whole test
    assert.equal(
      await broker.retry(
        extract,
        retryId,
        extra.retrying,
        'e2e-worker',
        1,
        Date.now() + 3_600_000,
        fields(101, extra.retrying),
        'transient failure of 101',
      ),
      true,
    );
    await take(extra.running, 102);
    await broker.submit(extra.queued, fields(103, extra.queued));
  } finally {
    conn.disconnect();
  }
  return { poisoned: docs[POISON - 1]!, extra };
}

/** What Redis says the page should show, read directly (not through docpipe's queries). */
interface Figures {
  stages: Record<string, Record<string, number>>;
  states: Record<string, number>;
}

async function figuresFromRedis(redis: Redis): Promise<Figures> {
  const stages: Record<string, Record<string, number>> = {};
  for (const stage of ['extract', 'enrich', 'publish']) {
    const stream = `${prefix}:${stage}:pending`;
    const groups = (await redis.xinfo('GROUPS', stream)) as unknown[][];
    const g = groups.find((x) => x[x.indexOf('name') + 1] === `${stage}-service-group`)!;
    stages[stage] = {
      lag: Number(g[g.indexOf('lag') + 1]),
      pending: Number(g[g.indexOf('pending') + 1]),
      scheduled_retries: await redis.zcard(`${prefix}:${stage}:retry`),
      dlq_size: await redis.xlen(`${prefix}:${stage}:dlq`),
      processed: Number((await redis.hget(`${prefix}:stats:${stage}`, 'processed')) ?? 0),
    };
  }
  const states: Record<string, number> = {};
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:doc:*`, 'COUNT', 1000);
    cursor = next;
    for (const k of keys.filter((k) => !k.endsWith(':events'))) {
      const s = await redis.hget(k, 'state');
      if (s) states[s] = (states[s] ?? 0) + 1;
    }
  } while (cursor !== '0');
  return { stages, states };
}

/** The same figures as the page shows them, after its next refresh. */
async function figuresOnPage(page: Page): Promise<Figures> {
  const before = await page.getAttribute('body', 'data-loaded');
  await page.waitForFunction((b) => document.body.getAttribute('data-loaded') !== b, before, { timeout: 10_000 });
  // no named helpers inside page functions: tsx would add __name calls the page does not have
  return page.evaluate(() => {
    const stages: Record<string, Record<string, number>> = {};
    for (const box of document.querySelectorAll('[data-stage]')) {
      const figures: Record<string, number> = {};
      for (const name of ['lag', 'pending', 'scheduled_retries', 'dlq_size', 'processed'])
        figures[name] = Number(box.querySelector(`[data-field="${name}"]`)?.textContent);
      stages[box.dataset['stage']!] = figures;
    }
    const states: Record<string, number> = {};
    for (const chip of document.querySelectorAll('#states [data-state]')) {
      const n = Number(chip.querySelector('.count')?.textContent);
      if (chip.dataset['state'] && n > 0) states[chip.dataset['state']] = n;
    }
    return { stages, states };
  });
}

/** Waits until the element's text is `text` (the page refreshes every 2 s). */
async function textIs(page: Page, selector: string, text: string): Promise<void> {
  await page.waitForFunction(([sel, t]) => document.querySelector(sel)?.textContent === t, [selector, text] as const, { timeout: 15_000 });
}

test(
  'dashboard in headless Chromium: numbers match Redis, redrive by click, document reaches completed',
  { timeout: 120_000 },
  async () => {
    const redis = new Redis(TEST_REDIS_URL);
    const stop = new AbortController();
    const profile = mkdtempSync(path.join(tmpdir(), 'docpipe-dashboard-chromium-'));
    let served: Promise<number> | undefined;
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      headless: true,
      viewport: { width: 1280, height: 860 },
    });
    try {
      const { poisoned, extra } = await documentsInEveryState(redis);
      const [dlqId] = (await redis.xrange(`${prefix}:enrich:dlq`, '-', '+'))[0]!;

      // docpipe dashboard <pipeline> --port 0 --allow-actions, with the token in the environment
      const url = await new Promise<string>((resolve, reject) => {
        served = withEnv(env, () =>
          dashboardCommand(
            PIPELINE,
            { port: '0', allowActions: true, signal: stop.signal, log: silent },
            {
              log: (s) => {
                const m = /at (http:\S+)/.exec(s);
                if (m) resolve(m[1]!);
              },
              error: (s) => reject(new Error(s)),
            },
            { ...process.env, DOCPIPE_DASHBOARD_TOKEN: TOKEN },
          ),
        );
        served.catch(reject);
      });
      assert.match(url, /^http:\/\/127\.0\.0\.1:/);

      const page = context.pages()[0] ?? (await context.newPage());
      const pageErrors: string[] = [];
      page.on('pageerror', (err) => pageErrors.push(err.message));
      page.on('console', (m) => {
        if (m.type() === 'error') pageErrors.push(m.text());
      });
      page.on('dialog', (d) => void d.accept());
      await page.goto(url);
      await page.waitForSelector('[data-stage="publish"]');

      // every figure on the page is what Redis holds
      const expected = await figuresFromRedis(redis);
      assert.deepEqual(expected.states, { completed: 5, failed: 1, 'extract.retrying': 1, 'extract.running': 1, 'extract.queued': 1 });
      assert.deepEqual(expected.stages['extract'], { lag: 1, pending: 1, scheduled_retries: 1, dlq_size: 0, processed: 6 });
      assert.equal(expected.stages['enrich']!['dlq_size'], 1);
      assert.deepEqual(await figuresOnPage(page), expected);
      assert.equal(await page.textContent('#mode'), 'actions enabled');
      assert.equal(await page.locator('svg polyline').count(), 6, 'a sparkline per stage');

      // documents by state: the retrying one, then its timeline
      await page.click('#states [data-state="extract.retrying"]');
      await page.waitForFunction(() => /with state extract\.retrying/.test(document.querySelector('#documents-note')?.textContent ?? ''));
      assert.equal(await page.locator('#documents tr').count(), 1);
      await page.click(`#documents tr[data-document="${extra.retrying}"]`);
      await textIs(page, '#doc-state', 'extract.retrying');
      assert.equal(await page.textContent('#doc-error'), 'transient failure of 101');

      // the dead letter, with its reason; its document's timeline
      const row = page.locator(`#dlq tr[data-dlq-id="${dlqId}"]`);
      await row.waitFor();
      assert.match((await row.textContent()) ?? '', /is poison/);
      assert.match((await row.textContent()) ?? '', /DP_ERR_HANDLER_PERMANENT/);
      await row.locator('a').click();
      await textIs(page, '#doc-uuid', poisoned);
      await textIs(page, '#doc-state', 'failed');
      assert.equal(await page.locator('#timeline tr[data-event="FAIL"]').count(), 1);
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-dead-letter.png'), fullPage: true });

      // a click without the token does nothing; with it typed in (kept in sessionStorage), the redrive happens
      await row.locator('button[data-action="redrive"]').click();
      assert.match((await page.textContent('#action-result')) ?? '', /token/);
      assert.equal(await redis.xlen(`${prefix}:enrich:dlq`), 1);
      await page.fill('#token', TOKEN);
      assert.equal(await page.evaluate(() => sessionStorage.getItem('docpipe-dashboard-token')), TOKEN);
      await row.locator('button[data-action="redrive"]').click();
      await page.waitForSelector('#action-result[data-result="ok"]');
      assert.equal(await redis.xlen(`${prefix}:enrich:dlq`), 0);
      assert.equal(await redis.hget(`${prefix}:doc:${poisoned}`, 'state'), 'enrich.queued');
      await textIs(page, '#doc-state', 'enrich.queued');

      // the handler fixed (no POISON): the pipeline runs again, and the page shows the document completed
      await runPipeline({ POISON: undefined, STAGE_IDLE: '1s' }, () =>
        waitFor('the redriven document to complete', async () => (await redis.hget(`${prefix}:doc:${poisoned}`, 'state')) === 'completed'),
      );
      await textIs(page, '#doc-state', 'completed');
      const events = await page.locator('#timeline tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-event')));
      const since = events.slice(events.indexOf('REDRIVE'));
      // REDRIVE, then enrich and publish succeed (a START is recorded only for handlers that run long)
      assert.deepEqual(
        since.filter((e) => e !== 'START'),
        ['REDRIVE', 'SUCCEED', 'SUCCEED'],
        events.join(' '),
      );
      await page.waitForFunction(() => document.querySelectorAll('#dlq tr[data-dlq-id]').length === 0);
      assert.equal(await page.textContent('#dlq'), 'No dead letters.');
      await page.click('#states [data-state=""]');
      assert.deepEqual(await figuresOnPage(page), await figuresFromRedis(redis));
      await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard.png'), fullPage: true });
      assert.deepEqual(pageErrors, [], 'no script errors, no CSP violations');
    } finally {
      stop.abort();
      await served?.catch(() => undefined);
      await context.close();
      rmSync(profile, { recursive: true, force: true });
      redis.disconnect();
    }
  },
);

/** Runs the fixture pipeline in this process (the test's environment plus `vars`) until `until` resolves. */
function runPipeline(vars: Record<string, string | undefined>, until: (runner: Runner) => Promise<void>): Promise<void> {
  return runFixturePipeline(PIPELINE, { ...env, ...vars }, until);
}
