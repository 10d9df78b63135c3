import type { RetryPolicy } from '../config/types.ts';
import type { ClassifiedError, ErrorCode } from '../errors.ts';
import { outageDelay, retryDelay } from './backoff.ts';

/**
 * What happens to one delivered message, decided without I/O (issue #21.1): the stage worker
 * gathers facts (the entry's checks, the document's state, the handler's result) and executes the
 * verdict. Like XState's `transition`, `verdict(facts)` is pure and is called again as facts arrive:
 * without `guard` it asks for the state (`read-state`), without `run` for a handler run (`run`).
 */

/** Handler re-runs after infrastructure failures before they start counting as attempts. */
export const MAX_OUTAGE_RERUNS = 40;

export type Outcome = 'processed' | 'retried' | 'dead_lettered' | 'skipped' | 'illegal' | 'stale';

/** The document's state as the guard read it. */
export type GuardFacts =
  /** The read was given up (the worker hard-stopped while Redis was away). */
  | { state: undefined }
  | {
      state: string;
      /** A message for this stage may run in `state` (its queued/running/retrying, or no state yet). */
      atStage: boolean;
      /** `state` is past this stage (a later stage, or completed): the message is a duplicate. */
      past: boolean;
    };

/** How one handler run ended. */
export type RunFacts =
  | { result: 'output' }
  /** The output fails the stage's output schema or the next stage's input. */
  | { result: 'output-rejected'; reason: string }
  /** The handler threw (or timed out); `outage` counts this message's runs that failed so far. */
  | { result: 'error'; error: ClassifiedError; outage: number }
  /** The worker hard-stopped while the handler ran. */
  | { result: 'stopped' };

export interface Facts {
  stage: string;
  /** Set when the entry is over the stage's `max_message_bytes`. */
  oversize?: { bytes: number; max: number } | undefined;
  /** The entry's `document_uuid` as sent, and the same when it is a valid uuid. */
  uuidRaw: string | undefined;
  uuid: string | undefined;
  /** Envelope problems found while decoding the entry. */
  problems?: readonly string[] | undefined;
  /** Input schema errors (formatted); undefined when the message fits its schema. */
  inputErrors?: string | undefined;
  /** The envelope's attempt plus the entry's extra deliveries (a reclaimed entry's crashes count). */
  attempt: number;
  deliveries: number;
  retries: RetryPolicy;
  guard?: GuardFacts | undefined;
  run?: RunFacts | undefined;
  /** Jitter source for the retry delay (Math.random when absent). */
  random?: () => number;
}

export type DeadLetterKind = 'invalid-message' | 'retries-exhausted' | 'permanent' | 'config';

export type Verdict =
  | { type: 'read-state' }
  | { type: 'run' }
  /** Hand the output to the next stage (the handoff script checks the owner: stale when moved on). */
  | { type: 'handoff' }
  /** An infrastructure failure: run the handler again after `delayMs`, without charging an attempt. */
  | { type: 'rerun'; delayMs: number; reason: string }
  /** Schedule attempt `attempt + 1` after `delayMs`. */
  | { type: 'retry'; delayMs: number; reason: string; code: ErrorCode }
  /** `ownerCheck`: the script refuses (stale) when the document has moved on since the handler started. */
  | { type: 'dead-letter'; kind: DeadLetterKind; code: ErrorCode; reason: string; ownerCheck: boolean }
  /** A duplicate: the document is past this stage; acknowledge and skip. */
  | { type: 'skip'; state: string }
  /** `<stage>.START` is not legal in `state`: counted, then dead-lettered. */
  | { type: 'illegal'; state: string; kind: 'illegal-transition'; code: 'DP_ERR_STATE_ILLEGAL'; reason: string }
  /** Nothing to do here: the entry stays pending (reclaimed after a restart). */
  | { type: 'abandon'; why: 'state-unknown' | 'stopped' };

const invalid = (reason: string): Verdict => ({
  type: 'dead-letter',
  kind: 'invalid-message',
  code: 'DP_ERR_MESSAGE_INVALID',
  reason,
  ownerCheck: false,
});

export function verdict(f: Facts): Verdict {
  // 1. The message itself: size, document uuid, envelope, input schema.
  if (f.oversize)
    return invalid(`entry is ${f.oversize.bytes} bytes, over the ${f.oversize.max}-byte limit (messages carry ids and pointers, not text)`);
  if (!f.uuid)
    return invalid(f.uuidRaw === undefined ? 'missing field "document_uuid"' : `document_uuid "${f.uuidRaw.slice(0, 64)}" is not a uuid`);
  if (f.problems?.length) return invalid(f.problems.join('; '));
  if (f.inputErrors !== undefined) return invalid(`input schema: ${f.inputErrors}`);

  // 2. Attempts: a reclaimed entry's deliveries count, so a crash loop ends in the DLQ.
  const max = f.retries.max;
  if (f.attempt > max) {
    const crashed = f.deliveries > 1;
    return {
      type: 'dead-letter',
      kind: 'retries-exhausted',
      code: crashed ? 'DP_ERR_WORKER_CRASHED' : 'DP_ERR_RETRIES_EXHAUSTED',
      reason: crashed
        ? `delivered ${f.deliveries} times without finishing (its worker died each time); attempts exhausted (${max})`
        : `attempts exhausted (${max})`,
      ownerCheck: false,
    };
  }

  // 3. The state guard: skip a document past this stage, refuse an illegal move.
  if (!f.guard) return { type: 'read-state' };
  const g = f.guard;
  if (g.state === undefined) return { type: 'abandon', why: 'state-unknown' };
  if (!g.atStage) {
    if (g.past) return { type: 'skip', state: g.state };
    return {
      type: 'illegal',
      state: g.state,
      kind: 'illegal-transition',
      code: 'DP_ERR_STATE_ILLEGAL',
      reason: `illegal transition: ${f.stage}.START while the document is "${g.state}"`,
    };
  }

  // 4. The handler's result.
  if (!f.run) return { type: 'run' };
  return judge(f, f.run);
}

function judge(f: Facts, run: RunFacts): Verdict {
  switch (run.result) {
    case 'stopped':
      return { type: 'abandon', why: 'stopped' };
    case 'output':
      return { type: 'handoff' };
    case 'output-rejected':
      return { type: 'dead-letter', kind: 'invalid-message', code: 'DP_ERR_MESSAGE_OUTPUT_INVALID', reason: run.reason, ownerCheck: true };
    case 'error':
      break;
  }
  const { error, outage } = run;
  // an outage pauses without charging an attempt, but a dependency that never comes back (a wrong
  // endpoint) must not loop forever: past MAX_OUTAGE_RERUNS (~5 minutes of outage) it counts again
  if (error.kind === 'infrastructure' && outage <= MAX_OUTAGE_RERUNS)
    return { type: 'rerun', delayMs: outageDelay(outage), reason: error.message };
  if (error.kind === 'permanent' || error.kind === 'invalid-message' || error.kind === 'config') {
    return { type: 'dead-letter', kind: error.kind, code: error.code, reason: error.message, ownerCheck: true };
  }
  const max = f.retries.max;
  if (f.attempt >= max) {
    return {
      type: 'dead-letter',
      kind: 'retries-exhausted',
      code: error.code === 'DP_ERR_HANDLER_TIMEOUT' ? error.code : 'DP_ERR_RETRIES_EXHAUSTED',
      reason: `${error.message} (attempt ${f.attempt} of ${max})`,
      ownerCheck: true,
    };
  }
  return { type: 'retry', delayMs: retryDelay(f.retries, f.attempt, f.random), reason: error.message, code: error.code };
}

/** The outcome of a handoff: the next entry's id, or '' when the document had moved on (stale owner). */
export function handoffOutcome(nextId: string): Outcome {
  return nextId ? 'processed' : 'stale';
}

/** The outcome of a dead-letter, by what its script did ('stale': the document had moved on). */
export function deadLetterOutcome(result: 'failed' | 'dead-lettered' | 'stale' | undefined): Outcome {
  return result === 'stale' ? 'stale' : 'dead_lettered';
}
