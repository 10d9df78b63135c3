/**
 * The handler-facing API: all a stage module may import (with the providers). Kept apart from the
 * runtime so handlers never touch Redis keys or the state machine.
 */
import type { Span } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { Store } from '../store/db.ts';
import type { LlmClient, Providers } from '../providers/types.ts';

/** A decoded stream entry: flat fields, JSON-encoded values already parsed per the input schema. */
export type StageMessage = Record<string, unknown> & { document_uuid: string };
export type StageOutput = Record<string, unknown>;

export interface StageContext {
  readonly stage: string;
  readonly documentUuid: string;
  readonly messageId: string;
  /** 1-based attempt number of this message at this stage. */
  readonly attempt: number;
  readonly maxAttempts: number;
  /** Aborts on shutdown (after the grace period) and when the handler's `timeout` passes. */
  readonly signal: AbortSignal;
  /** pino child logger carrying document uuid, stage, message id and attempt. */
  readonly log: Logger;
  readonly store: Store;
  readonly providers: Providers;
  /** Shortcut for `providers.llm`: undefined when the pipeline runs with local NLP only. */
  readonly llm: LlmClient | undefined;
  /** The stage's `options` from pipeline.yaml. */
  readonly options: Readonly<Record<string, unknown>>;
  /**
   * The attempt's OpenTelemetry span while tracing is on (undefined otherwise). `ctx.llm` requests
   * hang their spans under it by themselves; pass it on to calls that make spans (e.g. the
   * extractor's `span`), since no context manager carries it across awaits.
   */
  readonly span?: Span | undefined;
  /** Extends this message's claim so it is not reclaimed while the handler is alive. Called automatically too. */
  heartbeat(): Promise<void>;
}

export interface SetupContext {
  readonly stage: string;
  readonly log: Logger;
  readonly store: Store;
  readonly providers: Providers;
  readonly options: Readonly<Record<string, unknown>>;
}

/** A JSON Schema, inline or as the URL of a JSON file (`new URL('../schemas/x.json', import.meta.url)`). */
export type SchemaRef = URL | Record<string, unknown>;

export interface StageDefinition<I extends StageMessage = StageMessage, O extends StageOutput = StageOutput> {
  /** A name for logs; one handler module may serve several stages of pipeline.yaml. */
  readonly name: string;
  /**
   * JSON Schema of what `run` returns. `docpipe validate` checks it against the next stage's input
   * (a stage's `output:` in pipeline.yaml overrides it), and every output is validated against it.
   */
  readonly output?: SchemaRef;
  /** JSON Schema of the stage's `options:` in pipeline.yaml; a key it does not allow is reported by validate. */
  readonly options?: SchemaRef;
  /**
   * true (default): the handler's `ctx.store.sql` runs in one transaction per attempt, committed
   * only after the output validates (rolled back when the handler throws or its output is invalid).
   * The transaction holds a Postgres connection for the whole attempt, LLM calls included: a stage
   * that runs for minutes, or must keep writes of a failed attempt, sets false.
   */
  readonly transaction?: boolean;
  /** Once per process before the first message (load models, start worker pools). */
  setup?(ctx: SetupContext): Promise<void>;
  /** Processes one message; returns the next stage's message (ids and pointers only). */
  run(msg: I, ctx: StageContext): Promise<O>;
  /** Once per process at shutdown. */
  close?(): Promise<void>;
}

const STAGE_BRAND = Symbol.for('docpipe.stage');

export function defineStage<I extends StageMessage = StageMessage, O extends StageOutput = StageOutput>(
  definition: StageDefinition<I, O>,
): StageDefinition<I, O> {
  if (!definition || typeof definition.run !== 'function') throw new TypeError('defineStage: a stage needs a run(msg, ctx) function');
  if (typeof definition.name !== 'string' || !definition.name) throw new TypeError('defineStage: a stage needs a name');
  return Object.freeze(Object.assign(Object.create(null), definition, { [STAGE_BRAND]: true })) as StageDefinition<I, O>;
}

export function isStage(value: unknown): value is StageDefinition {
  return !!value && typeof value === 'object' && (value as Record<symbol, unknown>)[STAGE_BRAND] === true;
}
