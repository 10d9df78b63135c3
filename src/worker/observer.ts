/**
 * What the stage workers report to observers outside the worker (Prometheus metrics, the CLI's
 * progress): one call per finished message. This is the worker's whole surface for them; they
 * never import worker internals.
 */
import type { OutcomeDetail } from '../telemetry/spans.ts';
import type { Outcome } from './verdict.ts';

export type { Outcome, OutcomeDetail };

/** Told of each finished message: its stage, outcome, handler time (0 when no handler ran) and, for a retry or a dead letter, why. */
export type OutcomeObserver = (stage: string, outcome: Outcome, durationMs: number, detail?: OutcomeDetail) => void;
