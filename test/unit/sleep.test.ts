/**
 * The one `sleep` (src/util/sleep.ts) wakes early and never rejects on abort; the waits that must
 * stop on abort (OCR backoff, the LLM gate) check the signal after it and reject with its reason.
 * Each test has a timeout: a sleep that ignored the abort would hang it, not pass.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withBackoff } from '../../src/providers/extract/ocr/backoff.ts';
import { createBackoffGate } from '../../src/providers/llm/gate.ts';
import { sleep } from '../../src/util/sleep.ts';

const HOUR = 3_600_000;

test('sleep wakes without rejecting when its signal aborts, or at once when it already has', { timeout: 10_000 }, async () => {
  const ac = new AbortController();
  const woken = sleep(HOUR, ac.signal);
  ac.abort(new Error('stop'));
  assert.equal(await woken, undefined);
  assert.equal(await sleep(HOUR, ac.signal), undefined);
  assert.equal(await sleep(1), undefined);
});

test('withBackoff rejects with the abort reason when aborted while waiting to retry', { timeout: 10_000 }, async () => {
  const ac = new AbortController();
  const reason = new Error('shutdown');
  let calls = 0;
  const run = withBackoff(
    async () => {
      calls++;
      throw new Error('transient');
    },
    { retries: 5, baseMs: HOUR, maxMs: HOUR, isTransient: () => true, signal: ac.signal, onRetry: () => ac.abort(reason) },
  );
  await assert.rejects(run, (err) => err === reason);
  assert.equal(calls, 1);
});

test('the LLM gate wait rejects with the abort reason when aborted while closed', { timeout: 10_000 }, async () => {
  const gate = createBackoffGate();
  gate.closeFor(HOUR);
  const ac = new AbortController();
  const reason = new Error('timeout');
  const waiting = gate.wait(ac.signal);
  ac.abort(reason);
  await assert.rejects(waiting, (err) => err === reason);
  await assert.rejects(gate.wait(ac.signal), (err) => err === reason);
});
