import assert from 'node:assert/strict';
import { test } from 'node:test';
import { retryDelay } from '../../src/worker/backoff.ts';
import { ProcessGate } from '../../src/worker/gate.ts';
import { classifyError, DocpipeError, PermanentError } from '../../src/errors.ts';

const policy = { max: 5, backoff: 'exponential' as const, delayMs: 1000, maxDelayMs: 5000, jitter: false };

test('exponential backoff doubles per attempt and is capped at maxDelay', () => {
  assert.deepEqual(
    [1, 2, 3, 4, 5].map((a) => retryDelay(policy, a)),
    [1000, 2000, 4000, 5000, 5000],
  );
  assert.deepEqual(
    [1, 2, 3].map((a) => retryDelay({ ...policy, backoff: 'fixed' }, a)),
    [1000, 1000, 1000],
  );
});

test('jitter stays between half and all of the delay', () => {
  const j = { ...policy, jitter: true };
  assert.equal(
    retryDelay(j, 2, () => 0),
    1000,
  );
  assert.equal(
    retryDelay(j, 2, () => 1),
    2000,
  );
  for (let i = 0; i < 100; i++) {
    const d = retryDelay(j, 3);
    assert.ok(d >= 2000 && d <= 4000, String(d));
  }
});

test('errors are classified by kind: unknown errors retry, declared ones do not, a lost store pauses', () => {
  assert.equal(classifyError(new Error('boom')).kind, 'retryable');
  assert.equal(classifyError('a string').kind, 'retryable');
  assert.equal(classifyError(new PermanentError('corrupt')).kind, 'permanent');
  assert.equal(classifyError(new DocpipeError('invalid-message', 'DP_ERR_MESSAGE_INVALID', 'x')).kind, 'invalid-message');
  assert.equal(classifyError(Object.assign(new Error('gone'), { code: 'CONNECTION_CLOSED' })).kind, 'infrastructure');
  assert.equal(classifyError(Object.assign(new Error('admin shutdown'), { code: '57P01' })).kind, 'infrastructure');
});

test('the process gate runs exclusive work alone: after shared work drains, before new shared work', async () => {
  const gate = new ProcessGate();
  const order: string[] = [];
  await gate.enterShared();
  const exclusive = gate.runExclusive(async () => {
    order.push('exclusive');
  });
  const lateShared = gate.enterShared().then(() => {
    order.push('late shared');
    gate.leaveShared();
  });
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(order.length, 0, 'exclusive waits for the shared holder');
  order.push('shared done');
  gate.leaveShared();
  await Promise.all([exclusive, lateShared]);
  assert.deepEqual(order, ['shared done', 'exclusive', 'late shared']);
});
