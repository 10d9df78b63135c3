/**
 * The end-to-end scenario with a foreign producer: documents produced by the seed's Python
 * produce_to_stream (redis-py, test/fixtures/engine/produce.py), a runner SIGKILLed mid-run, retries,
 * a poison and an invalid message; every document completes exactly once.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { completedDocs, dlq, pendingTotal } from '../helpers/engine.ts';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../helpers/redis.ts';
import { REPO, startRunner } from '../helpers/runner-process.ts';
import { readStateAndHistory } from '../../src/ops/doc.ts';

const PIPELINE = path.join(REPO, 'test/fixtures/engine/pipeline.yaml');
const PRODUCER = path.join(REPO, 'test/fixtures/engine/produce.py');
const PYTHON = process.env['DOCPIPE_TEST_PYTHON'] ?? '/usr/bin/python3';
const prefixes: string[] = [];

after(async () => {
  for (const p of prefixes) await dropPrefix(TEST_REDIS_URL, p);
});

function newPrefix(label: string): string {
  const p = uniquePrefix(label);
  prefixes.push(p);
  return p;
}

/** Produces with the seed's Python produce_to_stream; returns n -> document_uuid. */
function producePython(url: string, stream: string, count: number, invalidN: number): Map<number, string> {
  const out = execFileSync(PYTHON, [PRODUCER, url, stream, String(count), String(invalidN)], { encoding: 'utf8' });
  return new Map(
    out
      .trim()
      .split('\n')
      .map((l) => {
        const [n, uuid] = l.split(' ');
        return [Number(n), uuid!] as const;
      }),
  );
}

describe('delivery engine with a Python producer', { timeout: 240_000 }, () => {
  test('foreign producer, SIGKILL mid-run, retries, poison and invalid messages: every document completed exactly once', async () => {
    const prefix = newPrefix('scenario');
    const redis = new Redis(TEST_REDIS_URL);
    try {
      // 300 good documents, one poison (301), one that fails its schema (302), produced before any worker runs.
      const docs = producePython(TEST_REDIS_URL, `${prefix}:extract:pending`, 302, 302);
      const env = { DOCPIPE_PREFIX: prefix, FAIL_EVERY: '10', POISON: '301', SLOW_MS: '40', STAGE_IDLE: '2s' };

      const first = startRunner([PIPELINE], env);
      for (let i = 0; i < 300 && (await redis.xlen(`${prefix}:processing:completed`)) < 40; i++)
        await new Promise((r) => setTimeout(r, 50));
      first.proc.kill('SIGKILL');
      const killed = await first.exited;
      assert.equal(killed.signal, 'SIGKILL');
      const before = await redis.xlen(`${prefix}:processing:completed`);
      assert.ok(before < 300, `the first runner was killed mid-run (${before} done)`);

      const second = startRunner([PIPELINE, '--until-idle'], env);
      const done = await second.exited;
      assert.equal(done.code, 3, `exit 3: two documents were dead-lettered\n${second.output().slice(-2000)}`);

      const completed = await completedDocs(redis, prefix);
      assert.equal(completed.length, 300, 'exactly 300 completed entries');
      const expected = new Set([...docs].filter(([n]) => n <= 300).map(([, u]) => u));
      assert.deepEqual(new Set(completed), expected, 'one completed entry per good document');

      const poison = await dlq(redis, prefix, 'enrich');
      assert.equal(poison.length, 1);
      assert.equal(poison[0]!['document_uuid'], docs.get(301));
      assert.equal(poison[0]!['error_kind'], 'permanent');
      assert.match(poison[0]!['error']!, /poison/);
      const invalid = await dlq(redis, prefix, 'extract');
      assert.equal(invalid.length, 1);
      assert.equal(invalid[0]!['document_uuid'], docs.get(302));
      assert.equal(invalid[0]!['error_kind'], 'invalid-message');
      assert.match(invalid[0]!['error']!, /\bn\b.*integer/);
      assert.ok(invalid[0]!['original_msg_id'] && invalid[0]!['failed_at_attempt']);

      assert.equal(await pendingTotal(redis, prefix), 0, 'nothing pending in any group');
      const states = await Promise.all([...docs.values()].map((u) => redis.hget(`${prefix}:doc:${u}`, 'state')));
      const byState = states.reduce<Record<string, number>>((acc, s) => ({ ...acc, [String(s)]: (acc[String(s)] ?? 0) + 1 }), {});
      assert.deepEqual(byState, { completed: 300, failed: 2 });
      assert.equal(await redis.hget(`${prefix}:doc:${docs.get(301)}`, 'state'), 'failed');
      // retried documents went through enrich twice, and their history shows it
      const { history } = await readStateAndHistory(redis, `${prefix}:doc:${docs.get(10)}`, `${prefix}:doc:${docs.get(10)}:events`);
      const events = history.map((e) => e.event);
      assert.ok(events.includes('RETRY'), `document 10 was retried: ${events.join(',')}`);

      // SIGTERM ends an idle runner with exit 0 (within the test's bound).
      const third = startRunner([PIPELINE], env);
      await third.waitFor('workers started');
      third.proc.kill('SIGTERM');
      const bounded = await Promise.race([third.exited, new Promise<'late'>((r) => setTimeout(() => r('late'), 15_000))]);
      assert.notEqual(bounded, 'late', 'exited within 15 s of SIGTERM');
      assert.deepEqual(bounded, { code: 0, signal: null });
    } finally {
      redis.disconnect();
    }
  });
});
