/**
 * Finding a document in the dashboard, in headless Chromium (playwright-core, /usr/bin/chromium):
 * documents submitted with file names, one dead-lettered; the search box finds them by part of the
 * file name and by uuid prefix, the stage and state filters narrow the list, and the document's page
 * shows its file name, its stage timeline and its trace id as a link to the configured trace view
 * (`--trace-url`). The screenshot (test-artifacts/dashboard-search.png) is the one in docs/.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { Redis } from 'ioredis';
import pino from 'pino';
import { chromium } from 'playwright-core';
import { dashboardCommand } from '../../src/cli/dashboard.ts';
import { loadPipeline } from '../../src/config/load.ts';
import { createDocumentMachine } from '../../src/state/machine.ts';
import { Broker } from '../../src/streams/broker.ts';
import { connectRedis } from '../../src/streams/redis.ts';
import { firstStageFields } from '../../src/worker/intake.ts';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../helpers/redis.ts';
import { REPO } from '../helpers/runner-process.ts';
import { runFixturePipeline, withEnv } from '../helpers/in-process.ts';

// The browser globals the page functions use (this project compiles without the DOM lib).
interface PageElement {
  textContent: string | null;
  getAttribute(name: string): string | null;
}
declare const document: { querySelector(selector: string): PageElement | null; querySelectorAll(selector: string): PageElement[] };

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
const TRACE_URL = 'http://localhost:16686/trace/{trace_id}';
const silent = pino({ level: 'silent' });
const prefix = uniquePrefix('dash-search');
const env = { DOCPIPE_PREFIX: prefix, REDIS_URL: TEST_REDIS_URL };
const FILES = [
  'Smith v Jones - complaint.pdf',
  'Smith v Jones - deposition of R. Smith.pdf',
  'Acme Corp lease 2021.docx',
  'Order granting motion to dismiss.pdf',
  'Exhibit 12 - invoices.pdf',
  'Smith estate - will.pdf',
];
const POISON = 2;

after(async () => {
  await dropPrefix(TEST_REDIS_URL, prefix);
});

test(
  'dashboard search in headless Chromium: by file name and uuid prefix, filtered by stage and state; file name, timeline and trace link',
  { timeout: 120_000 },
  async () => {
    const redis = new Redis(TEST_REDIS_URL);
    const docs: string[] = [];
    const config = loadPipeline(PIPELINE, { ...process.env, ...env });
    const conn = connectRedis(config.redis, silent, 'dashboard-search');
    try {
      const broker = new Broker(conn, config, createDocumentMachine(config.stages.map((s) => s.name)));
      for (const [i, name] of FILES.entries()) {
        const uuid = randomUUID();
        docs.push(uuid);
        await broker.submit(
          uuid,
          firstStageFields(
            { document_uuid: uuid, source_doc_sql_id: i + 1, n: i + 1, meta: { tags: ['a'] }, file_path: `/cases/${name}` },
            config.pipelineVersion,
          ),
        );
      }
    } finally {
      conn.disconnect();
    }
    await runFixturePipeline(PIPELINE, { ...env, POISON: String(POISON) }, (r) => r.waitUntilIdle());
    const poisoned = docs[POISON - 1]!;
    const [traceId, failedStage] = await redis.hmget(`${prefix}:doc:${poisoned}`, 'trace_id', 'stage');
    assert.match(traceId ?? '', /^[0-9a-f]{32}$/);

    const stop = new AbortController();
    let served: Promise<number> | undefined;
    const profile = mkdtempSync(path.join(tmpdir(), 'docpipe-search-chromium-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      headless: true,
      viewport: { width: 1280, height: 800 },
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        served = withEnv(env, () =>
          dashboardCommand(
            PIPELINE,
            { port: '0', signal: stop.signal, log: silent, traceUrl: TRACE_URL },
            {
              log: (s) => {
                const m = /at (http:\S+)/.exec(s);
                if (m) resolve(m[1]!);
              },
              error: (s) => reject(new Error(s)),
            },
          ),
        );
        served.catch(reject);
      });
      const page = context.pages()[0] ?? (await context.newPage());
      const pageErrors: string[] = [];
      page.on('pageerror', (err) => pageErrors.push(err.message));
      page.on('console', (m) => {
        if (m.type() === 'error') pageErrors.push(m.text());
      });
      await page.goto(url);
      await page.waitForSelector('#stage-filter option[value="publish"]', { state: 'attached' });
      const listed = () => page.locator('#documents tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-document')).sort());
      const note = (re: RegExp) =>
        page.waitForFunction((src) => new RegExp(src).test(document.querySelector('#documents-note')?.textContent ?? ''), re.source, {
          timeout: 15_000,
        });

      // part of a file name, any case: the three Smith documents, with their file names
      await page.fill('#search', 'SMITH');
      await page.click('#search-form button[type="submit"]');
      await note(/^3 document\(s\) with "smith" in the file name/);
      assert.deepEqual(await listed(), [docs[0], docs[1], docs[5]].sort());
      const names = await page.locator('#documents td[data-field="file"]').allTextContents();
      assert.deepEqual(names.sort(), [FILES[0], FILES[1], FILES[5]].sort());

      // the stage filter (the dead-lettered one stopped at its stage), then the state chip
      await page.selectOption('#stage-filter', failedStage!);
      await note(/^1 document\(s\) with stage /);
      assert.deepEqual(await listed(), [poisoned]);
      await page.selectOption('#stage-filter', '');
      await page.click('#states [data-state="completed"]');
      await note(/^2 document\(s\) with state completed, "smith"/);
      assert.deepEqual(await listed(), [docs[0], docs[5]].sort());
      await page.click('#states [data-state="completed"]');

      // a uuid prefix finds exactly that document
      await page.fill('#search', docs[2]!.slice(0, 8));
      await page.click('#search-form button[type="submit"]');
      await note(/^1 document\(s\)/);
      assert.deepEqual(await listed(), [docs[2]]);

      // the dead-lettered document: file name, timeline, trace id linked to the trace view
      await page.fill('#search', 'deposition');
      await page.click('#search-form button[type="submit"]');
      await note(/^1 document\(s\) with "deposition"/);
      await page.click(`#documents tr[data-document="${poisoned}"]`);
      await page.waitForFunction((u) => document.querySelector('#doc-uuid')?.textContent === u, poisoned);
      assert.equal(await page.textContent('#doc-file'), FILES[1]);
      assert.equal(await page.textContent('#doc-state'), 'failed');
      const link = page.locator('#doc-trace a');
      assert.equal(await link.textContent(), traceId);
      assert.equal(await link.getAttribute('href'), TRACE_URL.replace('{trace_id}', traceId!));
      const events = await page.locator('#timeline tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-event')));
      assert.equal(events[0], 'SUBMIT');
      assert.equal(events.at(-1), 'FAIL');
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.fill('#search', 'smith');
      await page.click('#search-form button[type="submit"]');
      await note(/^3 document\(s\) with "smith"/);
      await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-search.png'), clip: { x: 0, y: 0, width: 1280, height: 800 } });
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
