/**
 * The dashboard fits a 1,280 px wide window: the six stages of the shipped pipeline (the last card
 * included) and a document timeline with a long error show without horizontal scrolling of the
 * page. Headless Chromium (playwright-core; the corpus suite checks /usr/bin/chromium up front).
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
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../helpers/redis.ts';
import { REPO } from '../helpers/runner-process.ts';
import { withEnv } from '../helpers/in-process.ts';

// The browser globals the page functions use (this project compiles without the DOM lib).
interface Box {
  right: number;
}
interface PageElement {
  getBoundingClientRect(): Box;
  closest(s: string): PageElement | null;
}
declare const document: { documentElement: { scrollWidth: number; clientWidth: number }; querySelector(s: string): PageElement | null };

const CHROMIUM = '/usr/bin/chromium';
const prefix = uniquePrefix('dash-layout');
after(async () => {
  await dropPrefix(TEST_REDIS_URL, prefix);
});

/** Page width beyond the window, and how far the element's right edge is past its card's (<= 0: inside, not cut off). */
async function overflow(page: Page, selector: string): Promise<{ page: number; element: number }> {
  return page.evaluate((sel) => {
    const root = document.documentElement;
    const el = document.querySelector(sel);
    const card = el?.closest('section')?.getBoundingClientRect();
    const box = el?.getBoundingClientRect();
    return {
      page: root.scrollWidth - root.clientWidth,
      element: box && card ? box.right - Math.min(card.right, root.clientWidth) : Number.NaN,
    };
  }, selector);
}

test(
  'dashboard at 1280 px: every stage card and the timeline error column are visible without page scrolling',
  { timeout: 120_000 },
  async () => {
    const redis = new Redis(TEST_REDIS_URL);
    const uuid = randomUUID();
    const error = `ocr: file type unknown is not supported: ${'/very/long/path/without/any/spaces'.repeat(8)}/binary.txt`;
    await redis.hset(`${prefix}:doc:${uuid}`, { state: 'failed', stage: 'ocr', attempt: '1', error, updated_at: String(Date.now()) });
    await redis.xadd(
      `${prefix}:doc:${uuid}:events`,
      '*',
      'event',
      'FAIL',
      'from',
      'ocr.running',
      'to',
      'failed',
      'at',
      String(Date.now()),
      'attempt',
      '1',
      'consumer',
      'host-1-abcdef',
      'error',
      error,
    );
    const stop = new AbortController();
    let served: Promise<number> | undefined;
    const profile = mkdtempSync(path.join(tmpdir(), 'docpipe-layout-chromium-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 860 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        served = withEnv({ DOCPIPE_PREFIX: prefix, REDIS_URL: TEST_REDIS_URL }, () =>
          dashboardCommand(
            path.join(REPO, 'pipeline.yaml'),
            { port: '0', signal: stop.signal, log: pino({ level: 'silent' }) },
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
      await page.goto(url);
      await page.waitForSelector('[data-stage="relationships"]');
      const graph = await overflow(page, '[data-stage="relationships"]');
      assert.ok(graph.page <= 0, `the page does not scroll sideways (${graph.page} px too wide)`);
      assert.ok(graph.element <= 0, `the relationships card is inside the pipeline card and the window (${graph.element} px past it)`);

      await page.fill('#search', uuid);
      await page.press('#search', 'Enter');
      await page.click(`#documents tr[data-document="${uuid}"]`);
      await page.waitForSelector('#timeline tr');
      const timeline = await overflow(page, '#timeline tr td:last-child');
      assert.ok(timeline.page <= 0, `with the timeline open the page does not scroll sideways (${timeline.page} px too wide)`);
      assert.ok(timeline.element <= 0, `the error column is inside the timeline card and the window (${timeline.element} px past it)`);
      mkdirSync(path.join(REPO, 'test-artifacts'), { recursive: true });
      await page.screenshot({ path: path.join(REPO, 'test-artifacts', 'dashboard-1280.png'), fullPage: true });
    } finally {
      stop.abort();
      await served?.catch(() => undefined);
      await context.close();
      rmSync(profile, { recursive: true, force: true });
      redis.disconnect();
    }
  },
);
