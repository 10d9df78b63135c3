/**
 * The stage worker's decision per message (src/worker/verdict.ts), without Redis: every branch of
 * `verdict(facts)`, table-driven, including the edges (last attempt, a crash-looping entry's
 * deliveries, non-retryable error kinds, an illegal transition, a stale owner).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RetryPolicy } from '../../src/config/types.ts';
import type { ClassifiedError } from '../../src/errors.ts';
import {
  deadLetterOutcome,
  handoffOutcome,
  MAX_OUTAGE_RERUNS,
  verdict,
  type Facts,
  type GuardFacts,
  type RunFacts,
  type Verdict,
} from '../../src/worker/verdict.ts';

const UUID = '0b9f8f2e-8d5c-4c36-9a64-3f0b2c1d4e5f';
const retries: RetryPolicy = { max: 3, backoff: 'exponential', delayMs: 100, maxDelayMs: 1_000, jitter: false };
const AT_STAGE: GuardFacts = { state: 'ner.queued', atStage: true, past: false };

/** A valid first delivery of attempt 1, before the guard read. */
function facts(over: Partial<Facts> = {}): Facts {
  return { stage: 'ner', uuidRaw: UUID, uuid: UUID, attempt: 1, deliveries: 1, retries, ...over };
}

/** Facts after the guard allowed the run and the handler ran with `run`. */
function ran(run: RunFacts, over: Partial<Facts> = {}): Facts {
  return facts({ guard: AT_STAGE, run, ...over });
}

const failed = (kind: ClassifiedError['kind'], code: ClassifiedError['code'] = 'DP_ERR_HANDLER_FAILED', outage = 1): RunFacts => ({
  result: 'error',
  error: { kind, code, message: 'boom' },
  outage,
});

const invalid = (reason: string): Verdict => ({
  type: 'dead-letter',
  kind: 'invalid-message',
  code: 'DP_ERR_MESSAGE_INVALID',
  reason,
  ownerCheck: false,
});

const cases: Array<[string, Facts, Verdict]> = [
  // 1. the message itself (checked in this order: the first problem is the reason)
  [
    'an entry over the size limit',
    facts({ oversize: { bytes: 70_000, max: 65_536 } }),
    invalid('entry is 70000 bytes, over the 65536-byte limit (messages carry ids and pointers, not text)'),
  ],
  [
    'oversize wins over every other problem',
    facts({ oversize: { bytes: 9, max: 8 }, uuid: undefined, uuidRaw: undefined, problems: ['x'] }),
    invalid('entry is 9 bytes, over the 8-byte limit (messages carry ids and pointers, not text)'),
  ],
  ['no document_uuid field', facts({ uuidRaw: undefined, uuid: undefined }), invalid('missing field "document_uuid"')],
  ['a document_uuid that is not a uuid', facts({ uuidRaw: 'doc-1', uuid: undefined }), invalid('document_uuid "doc-1" is not a uuid')],
  [
    'a long bad document_uuid is cut to 64 characters',
    facts({ uuidRaw: 'x'.repeat(100), uuid: undefined }),
    invalid(`document_uuid "${'x'.repeat(64)}" is not a uuid`),
  ],
  [
    'envelope problems',
    facts({ problems: ['attempt_count "zero" is not a positive integer', 'trace is malformed'] }),
    invalid('attempt_count "zero" is not a positive integer; trace is malformed'),
  ],
  ['an empty problem list is no problem', facts({ problems: [] }), { type: 'read-state' }],
  [
    'input schema errors',
    facts({ inputErrors: 'must have required property "text"' }),
    invalid('input schema: must have required property "text"'),
  ],
  // 2. attempts
  [
    'attempts exhausted (a retried entry past its last attempt)',
    facts({ attempt: 4 }),
    {
      type: 'dead-letter',
      kind: 'retries-exhausted',
      code: 'DP_ERR_RETRIES_EXHAUSTED',
      reason: 'attempts exhausted (3)',
      ownerCheck: false,
    },
  ],
  [
    'poison: redelivered from dead workers past the attempts',
    facts({ attempt: 4, deliveries: 4 }),
    {
      type: 'dead-letter',
      kind: 'retries-exhausted',
      code: 'DP_ERR_WORKER_CRASHED',
      reason: 'delivered 4 times without finishing (its worker died each time); attempts exhausted (3)',
      ownerCheck: false,
    },
  ],
  ['the last attempt still runs', facts({ attempt: 3, deliveries: 3 }), { type: 'read-state' }],
  ['message problems come before attempts', facts({ attempt: 9, inputErrors: 'bad' }), invalid('input schema: bad')],
  // 3. the guard
  ['a valid message needs the document state', facts(), { type: 'read-state' }],
  ['the state read was given up (hard stop)', facts({ guard: { state: undefined } }), { type: 'abandon', why: 'state-unknown' }],
  ['the document is at this stage: run the handler', facts({ guard: AT_STAGE }), { type: 'run' }],
  [
    'a duplicate: the document is past this stage',
    facts({ guard: { state: 'graph.queued', atStage: false, past: true } }),
    { type: 'skip', state: 'graph.queued' },
  ],
  [
    'a completed document is skipped',
    facts({ guard: { state: 'completed', atStage: false, past: true } }),
    { type: 'skip', state: 'completed' },
  ],
  [
    'an illegal transition (the document is at an earlier stage)',
    facts({ guard: { state: 'ocr.running', atStage: false, past: false } }),
    {
      type: 'illegal',
      state: 'ocr.running',
      kind: 'illegal-transition',
      code: 'DP_ERR_STATE_ILLEGAL',
      reason: 'illegal transition: ner.START while the document is "ocr.running"',
    },
  ],
  [
    'an illegal transition from failed',
    facts({ guard: { state: 'failed', atStage: false, past: false } }),
    {
      type: 'illegal',
      state: 'failed',
      kind: 'illegal-transition',
      code: 'DP_ERR_STATE_ILLEGAL',
      reason: 'illegal transition: ner.START while the document is "failed"',
    },
  ],
  // 4. the handler's result
  ['a valid output is handed off', ran({ result: 'output' }), { type: 'handoff' }],
  ['a hard stop leaves the entry pending', ran({ result: 'stopped' }), { type: 'abandon', why: 'stopped' }],
  [
    'an invalid output is dead-lettered, owner checked',
    ran({ result: 'output-rejected', reason: 'output of stage "ner" fails its output schema: x' }),
    {
      type: 'dead-letter',
      kind: 'invalid-message',
      code: 'DP_ERR_MESSAGE_OUTPUT_INVALID',
      reason: 'output of stage "ner" fails its output schema: x',
      ownerCheck: true,
    },
  ],
  [
    'a retryable error schedules the next attempt after the backoff',
    ran(failed('retryable')),
    { type: 'retry', delayMs: 100, reason: 'boom', code: 'DP_ERR_HANDLER_FAILED' },
  ],
  [
    'the backoff grows with the attempt',
    ran(failed('retryable'), { attempt: 2 }),
    { type: 'retry', delayMs: 200, reason: 'boom', code: 'DP_ERR_HANDLER_FAILED' },
  ],
  [
    'a timeout before the last attempt retries',
    ran(failed('retryable', 'DP_ERR_HANDLER_TIMEOUT')),
    { type: 'retry', delayMs: 100, reason: 'boom', code: 'DP_ERR_HANDLER_TIMEOUT' },
  ],
  [
    'a retryable error on the last attempt is dead-lettered',
    ran(failed('retryable'), { attempt: 3 }),
    { type: 'dead-letter', kind: 'retries-exhausted', code: 'DP_ERR_RETRIES_EXHAUSTED', reason: 'boom (attempt 3 of 3)', ownerCheck: true },
  ],
  [
    'a timeout on the last attempt keeps its code',
    ran(failed('retryable', 'DP_ERR_HANDLER_TIMEOUT'), { attempt: 3 }),
    { type: 'dead-letter', kind: 'retries-exhausted', code: 'DP_ERR_HANDLER_TIMEOUT', reason: 'boom (attempt 3 of 3)', ownerCheck: true },
  ],
  [
    'a permanent error is dead-lettered at once',
    ran(failed('permanent', 'DP_ERR_FILE_CORRUPT')),
    { type: 'dead-letter', kind: 'permanent', code: 'DP_ERR_FILE_CORRUPT', reason: 'boom', ownerCheck: true },
  ],
  [
    'an invalid-message error is dead-lettered at once',
    ran(failed('invalid-message', 'DP_ERR_MESSAGE_INVALID')),
    { type: 'dead-letter', kind: 'invalid-message', code: 'DP_ERR_MESSAGE_INVALID', reason: 'boom', ownerCheck: true },
  ],
  [
    'a config error is dead-lettered at once',
    ran(failed('config', 'DP_ERR_PROVIDER_UNAVAILABLE')),
    { type: 'dead-letter', kind: 'config', code: 'DP_ERR_PROVIDER_UNAVAILABLE', reason: 'boom', ownerCheck: true },
  ],
  [
    'an outage re-runs without an attempt, after the outage backoff',
    ran(failed('infrastructure', 'DP_ERR_STORE_UNAVAILABLE', 1)),
    { type: 'rerun', delayMs: 250, reason: 'boom' },
  ],
  [
    'an outage on the last attempt still re-runs',
    ran(failed('infrastructure', 'DP_ERR_STORE_UNAVAILABLE', 3), { attempt: 3 }),
    { type: 'rerun', delayMs: 1_000, reason: 'boom' },
  ],
  [
    'the outage backoff is capped at 10s',
    ran(failed('infrastructure', 'DP_ERR_REDIS_UNAVAILABLE', MAX_OUTAGE_RERUNS)),
    { type: 'rerun', delayMs: 10_000, reason: 'boom' },
  ],
  [
    'an outage past the re-run limit counts as an attempt',
    ran(failed('infrastructure', 'DP_ERR_STORE_UNAVAILABLE', MAX_OUTAGE_RERUNS + 1)),
    { type: 'retry', delayMs: 100, reason: 'boom', code: 'DP_ERR_STORE_UNAVAILABLE' },
  ],
  [
    '…and on the last attempt is dead-lettered',
    ran(failed('infrastructure', 'DP_ERR_STORE_UNAVAILABLE', MAX_OUTAGE_RERUNS + 1), { attempt: 3 }),
    { type: 'dead-letter', kind: 'retries-exhausted', code: 'DP_ERR_RETRIES_EXHAUSTED', reason: 'boom (attempt 3 of 3)', ownerCheck: true },
  ],
  ['a run result without the guard asks for the guard first', facts({ run: { result: 'output' } }), { type: 'read-state' }],
  [
    'a message problem wins over a run result',
    facts({ uuid: undefined, uuidRaw: undefined, guard: AT_STAGE, run: { result: 'output' } }),
    invalid('missing field "document_uuid"'),
  ],
];

for (const [name, input, expected] of cases) {
  test(`verdict: ${name}`, () => {
    assert.deepEqual(verdict(input), expected);
  });
}

test('verdict: the retry delay takes its jitter from the facts', () => {
  const jittered = { ...retries, jitter: true };
  assert.deepEqual(verdict(ran(failed('retryable'), { retries: jittered, attempt: 2, random: () => 0 })), {
    type: 'retry',
    delayMs: 100,
    reason: 'boom',
    code: 'DP_ERR_HANDLER_FAILED',
  });
  assert.deepEqual(verdict(ran(failed('retryable'), { retries: jittered, attempt: 2, random: () => 1 })), {
    type: 'retry',
    delayMs: 200,
    reason: 'boom',
    code: 'DP_ERR_HANDLER_FAILED',
  });
});

test('verdict: pure — the same facts give the same verdict and are not changed', () => {
  const f = ran(failed('retryable'));
  const copy = structuredClone(f);
  assert.deepEqual(verdict(f), verdict(f));
  assert.deepEqual(f, copy);
});

test('outcomes: a handoff or dead-letter refused because the document moved on (stale owner) is stale', () => {
  assert.equal(handoffOutcome('1700000000000-0'), 'processed');
  assert.equal(handoffOutcome(''), 'stale');
  assert.equal(deadLetterOutcome('dead-lettered'), 'dead_lettered');
  assert.equal(deadLetterOutcome('failed'), 'dead_lettered');
  assert.equal(deadLetterOutcome(undefined), 'dead_lettered');
  assert.equal(deadLetterOutcome('stale'), 'stale');
});
