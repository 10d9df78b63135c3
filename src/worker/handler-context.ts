import type { Span } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { StageContext } from '../api/stage.ts';
import type { StageConfig } from '../config/types.ts';
import type { LlmClient, LlmJsonRequest, Providers } from '../providers/types.ts';
import type { Broker } from '../streams/broker.ts';
import type { Store } from '../store/db.ts';
import type { InFlight } from './in-flight.ts';

/** What a handler's context reads from its stage worker. */
export interface ContextHost {
  readonly stage: StageConfig;
  readonly deps: { broker: Broker; consumer: string; store: Store; providers: Providers };
  logFor(rec: InFlight): Logger;
}

/**
 * The `ctx` handed to a handler. Per message it holds only what differs per message; the stage's
 * constants are read through, and `signal` and `log` are made only when a handler asks for them.
 */
export class HandlerContext implements StageContext {
  /** The attempt's transaction, while the handler runs in one. */
  txStore: Store | undefined;

  constructor(
    private readonly worker: ContextHost,
    private readonly rec: InFlight,
    readonly documentUuid: string,
  ) {}

  get stage(): string {
    return this.worker.stage.name;
  }

  get messageId(): string {
    return this.rec.entry.id;
  }

  get attempt(): number {
    return this.rec.attempt;
  }

  get maxAttempts(): number {
    return this.worker.stage.retries.max;
  }

  get store(): Store {
    return this.txStore ?? this.worker.deps.store;
  }

  get providers(): Providers {
    const providers = this.worker.deps.providers;
    const span = this.rec.trace?.span;
    // tracing on: the same providers, with an LLM client whose requests hang under this attempt
    return span && providers.llm
      ? (Object.create(providers, { llm: { value: tracedLlm(providers.llm, span), enumerable: true } }) as Providers)
      : providers;
  }

  get llm(): LlmClient | undefined {
    const llm = this.worker.deps.providers.llm;
    const span = this.rec.trace?.span;
    return span && llm ? tracedLlm(llm, span) : llm;
  }

  get span(): Span | undefined {
    return this.rec.trace?.span;
  }

  get options(): Readonly<Record<string, unknown>> {
    return this.worker.stage.options;
  }

  get signal(): AbortSignal {
    return signalOf(this.rec);
  }

  get log(): Logger {
    return this.worker.logFor(this.rec);
  }

  heartbeat(): Promise<void> {
    return this.worker.deps.broker.heartbeat(this.worker.stage, this.worker.deps.consumer, [this.rec.entry.id]);
  }
}

/** An LLM client whose requests' spans hang under `span` (unless a request names its own). */
function tracedLlm(llm: LlmClient, span: Span): LlmClient {
  return {
    model: llm.model,
    usage: llm.usage,
    json: <T>(request: LlmJsonRequest) => llm.json<T>(request.span ? request : { ...request, span }),
  };
}

/** The message's abort signal (made on first use; already aborted when the message was). */
export function signalOf(rec: InFlight): AbortSignal {
  if (!rec.abort) {
    rec.abort = new AbortController();
    if (rec.abortReason !== undefined) rec.abort.abort(rec.abortReason);
  }
  return rec.abort.signal;
}

/** Aborts a message's handler: its signal (if it asked for one) and its wait. */
export function abortRecord(rec: InFlight, reason: unknown): void {
  if (rec.abortReason !== undefined) return;
  rec.abortReason = reason;
  rec.abort?.abort(reason);
  rec.fail?.(reason);
}
