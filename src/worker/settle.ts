import type { Logger } from 'pino';
import type { StageConfig } from '../config/types.ts';
import type { ErrorCode } from '../errors.ts';
import { encodeEntry, splitEnvelope, withEnvelope, type Envelope, type Fields } from '../messages/codec.ts';
import { deadLetterFields, handoffTraceparent, recordOutcome, retryTraceparent, type OutcomeDetail } from '../telemetry/spans.ts';
import type { Broker } from '../streams/broker.ts';
import type { HandoffBatcher } from './handoff-batcher.ts';
import type { InFlight } from './in-flight.ts';
import type { Outcome, OutcomeObserver } from './observer.ts';
import { deadLetterOutcome, handoffOutcome, type Verdict } from './verdict.ts';

export interface SettleHost {
  readonly stage: StageConfig;
  readonly deps: { broker: Broker; consumer: string; pipelineVersion: string; onOutcome?: OutcomeObserver | undefined };
  readonly log: Logger;
  readonly handoffs: HandoffBatcher;
  /** Marks the message as having reached its outcome. */
  decide(rec: InFlight): void;
  logFor(rec: InFlight): Logger;
  /** Runs a Redis step until it succeeds (undefined: given up at a hard stop). */
  persist<T>(what: string, step: () => Promise<T>): Promise<T | undefined>;
}

/** The verdicts that end a message's stay in this worker, carried out in Redis (one script each). */
export type Final = Extract<Verdict, { type: 'dead-letter' | 'retry' | 'skip' | 'illegal' | 'abandon' }>;

/** Executes a message's final verdict: hand off, retry, dead-letter, skip, or leave it pending. */
export class Settler {
  constructor(private readonly w: SettleHost) {}

  async execute(rec: InFlight, v: Final, envelope: Envelope, started: number): Promise<void> {
    const s = this.w.stage;
    const { broker } = this.w.deps;
    switch (v.type) {
      case 'dead-letter':
        return this.deadLetter(rec, v.reason, v.kind, v.code, v.ownerCheck);
      case 'retry':
        return this.retry(rec, v, envelope, started);
      case 'skip':
        this.w.decide(rec);
        await this.w.persist('ack', () => broker.ackSkipped(s, rec.entry.id));
        this.w.logFor(rec).info({ state: v.state }, 'duplicate: the document is past this stage; acknowledged and skipped');
        this.outcome(rec, 'skipped', 0);
        return;
      case 'illegal':
        await broker.countIllegal();
        this.w.logFor(rec).warn({ state: v.state, event: `${s.name}.START` }, 'illegal state transition rejected');
        this.outcome(rec, 'illegal', 0);
        return this.deadLetter(rec, v.reason, v.kind, v.code, false);
      case 'abandon':
        return; // left pending: reclaimed after restart
    }
  }

  /** Hands the output to the next stage (batched with the handoffs that finish together). */
  async handoff(rec: InFlight, envelope: Envelope, out: Record<string, unknown>, started: number): Promise<void> {
    const now = Date.now();
    const next = encodeEntry(out, {
      attempt: 1,
      trace: handoffTraceparent(envelope.trace, rec.trace),
      pipelineVersion: this.w.deps.pipelineVersion,
      now,
    });
    const durationMs = now - started;
    const pending = this.w.handoffs.add({ entryId: rec.entry.id, documentUuid: rec.uuid!, attempt: rec.attempt, durationMs, next });
    this.w.decide(rec);
    const id = await pending;
    if (id === undefined) return; // shutting down with Redis away: left pending
    if (this.w.log.isLevelEnabled('debug'))
      this.w.logFor(rec).debug({ duration_ms: durationMs, next_id: id }, id ? 'stage done' : 'stale entry: the document had moved on');
    this.outcome(rec, handoffOutcome(id), durationMs);
  }

  private async deadLetter(rec: InFlight, error: string, kind: string, code: ErrorCode, ownerCheck: boolean): Promise<void> {
    const s = this.w.stage;
    const { broker, consumer } = this.w.deps;
    this.w.decide(rec);
    const result = await this.w.persist('dead-letter', () =>
      broker.deadLetter(s, rec.entry.id, rec.uuid, consumer, rec.attempt, {
        fields: deadLetterFields(rec.entry.fields, rec.trace),
        error,
        errorKind: kind,
        errorCode: code,
        ownerCheck,
      }),
    );
    this.w.logFor(rec).warn({ error, code, result }, 'dead-lettered');
    this.outcome(rec, deadLetterOutcome(result), 0, { code, error });
  }

  /** Schedules the next attempt after the verdict's delay (the failed entry is acknowledged with it). */
  private async retry(rec: InFlight, v: Extract<Verdict, { type: 'retry' }>, envelope: Envelope, started: number): Promise<void> {
    const s = this.w.stage;
    const { broker, consumer, pipelineVersion } = this.w.deps;
    const { entry, attempt } = rec;
    this.w.decide(rec);
    const { payload } = splitEnvelope(entry.fields);
    const again: Fields = withEnvelope(payload, {
      attempt: attempt + 1,
      trace: retryTraceparent(envelope.trace, rec.trace),
      pipelineVersion: envelope.pipelineVersion ?? pipelineVersion,
      now: Date.now(),
    });
    const scheduled = await this.w.persist('retry', () =>
      broker.retry(s, entry.id, rec.uuid!, consumer, attempt, Date.now() + v.delayMs, again, v.reason.slice(0, 2000)),
    );
    this.w.logFor(rec).warn({ err: v.reason, code: v.code, retry_in_ms: v.delayMs, scheduled }, 'attempt failed; retry scheduled');
    this.outcome(rec, 'retried', Date.now() - started, { code: v.code, error: v.reason });
  }

  /** Reports a message's outcome: on its attempt's span (tracing on) and to the observer. */
  private outcome(rec: InFlight, outcome: Outcome, ms: number, detail?: OutcomeDetail): void {
    if (rec.trace) recordOutcome(rec.trace, outcome, detail);
    this.w.deps.onOutcome?.(this.w.stage.name, outcome, ms, detail);
  }
}
