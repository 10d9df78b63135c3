/**
 * The spans docpipe makes, and how a document's W3C traceparent (the `trace` envelope field, one
 * trace id per document) becomes their parent. With tracing off (no tracer set) every function
 * here is a pass-through: `traceAttempt` calls its function, the traceparent helpers return what
 * the runtime sent before (a new hop of the same trace, or the field unchanged).
 *
 * The tree of one document: `submit <pipeline>` (intake, direct mode) → `stage <first>` (one span
 * per attempt) → `stage <next>` … Each message a stage attempt sends carries that attempt's span as
 * its parent: the next stage's attempt, a retry of the same stage (so a retry hangs under the
 * attempt that failed), or a dead letter (so the attempt after `docpipe dlq redrive` hangs under the
 * attempt that was dead-lettered). Inside an attempt: `store transaction`, `ocr page`, `llm chat`
 * (token counts; never document text).
 *
 * No context manager: the attempt (its `AttemptTrace`) is handed on explicitly (the worker keeps it
 * on the in-flight record; provider calls get its span through `ctx.span`). An AsyncLocalStorage
 * context manager makes every promise of the process pay for propagation (it doubled the CPU per
 * document of a pipeline of no-op stages, sampled or not).
 */
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Attributes,
  type Span,
  type SpanContext,
  type Tracer,
} from '@opentelemetry/api';
import type { StageConfig } from '../config/types.ts';
import { nextTraceparent, type Fields } from '../messages/codec.ts';

let tracer: Tracer | undefined;
let pipeline = '';

/** Set by `startTracing` (undefined again at shutdown): spans are made only while one is set. */
export function setTracer(t: Tracer | undefined, pipelineName: string | undefined): void {
  tracer = t;
  pipeline = pipelineName ?? '';
}

export function tracingOn(): boolean {
  return tracer !== undefined;
}

/** What an attempt's span learns while it runs: its outcome, its handler's time. */
export interface AttemptTrace {
  span: Span;
  outcome: string | undefined;
  code: string | undefined;
  error: string | undefined;
  handlerMs: number;
  handlerRuns: number;
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** A traceparent's span context (undefined when it is not a valid W3C traceparent). */
export function parseTraceparent(value: string | undefined): SpanContext | undefined {
  const m = value === undefined ? null : TRACEPARENT.exec(value);
  if (!m || /^0+$/.test(m[1]!) || /^0+$/.test(m[2]!)) return undefined;
  return { traceId: m[1]!, spanId: m[2]!, traceFlags: parseInt(m[3]!, 16) & TraceFlags.SAMPLED, isRemote: true };
}

export function formatTraceparent(sc: SpanContext): string {
  return `00-${sc.traceId}-${sc.spanId}-0${sc.traceFlags & TraceFlags.SAMPLED}`;
}

/** The trace id of a traceparent (null when there is none). */
export function traceIdOf(value: string | undefined): string | null {
  return parseTraceparent(value)?.traceId ?? null;
}

/** The entry the attempt handles, as the stage worker holds it. `attempt` and `uuid` are read when the attempt ends. */
export interface AttemptRecord {
  readonly entry: { readonly id: string; readonly list: readonly string[]; readonly deliveries: number | undefined };
  readonly uuid: string | undefined;
  readonly attempt: number;
}

function field(list: readonly string[], name: string): string | undefined {
  let found: string | undefined;
  for (let i = 0; i + 1 < list.length; i += 2) if (list[i] === name) found = list[i + 1];
  return found;
}

/**
 * Runs one stage attempt (`run` decides its outcome) inside a `stage <name>` span whose parent is
 * the entry's traceparent; `run` gets the attempt's trace (undefined with tracing off) to hand on.
 * Attributes (only when the span is sampled): pipeline, stage, attempt, outcome, error code,
 * document uuid, queue wait (enqueued → picked up) and handler time.
 */
export async function traceAttempt<T>(
  stage: StageConfig,
  rec: AttemptRecord,
  run: (attempt: AttemptTrace | undefined) => Promise<T>,
): Promise<T> {
  const t = tracer;
  if (!t) return run(undefined);
  const list = rec.entry.list;
  const parent = parseTraceparent(field(list, 'trace'));
  const now = Date.now();
  const span = t.startSpan(
    `stage ${stage.name}`,
    { kind: SpanKind.CONSUMER, startTime: now },
    parent ? trace.setSpanContext(ROOT_CONTEXT, parent) : ROOT_CONTEXT,
  );
  if (span.isRecording()) {
    const enqueued = Number(field(list, 'enqueued_at'));
    const attributes: Attributes = {
      'docpipe.pipeline': pipeline,
      'docpipe.stage': stage.name,
      'messaging.system': 'redis',
      'messaging.operation.type': 'process',
      'messaging.destination.name': stage.stream,
      'messaging.consumer.group.name': stage.group,
      'messaging.message.id': rec.entry.id,
    };
    if (Number.isFinite(enqueued) && enqueued > 0) attributes['docpipe.queue_wait_ms'] = Math.max(0, now - enqueued);
    if ((rec.entry.deliveries ?? 1) > 1) attributes['docpipe.deliveries'] = rec.entry.deliveries!;
    span.setAttributes(attributes);
  }
  const state: AttemptTrace = { span, outcome: undefined, code: undefined, error: undefined, handlerMs: 0, handlerRuns: 0 };
  try {
    return await run(state);
  } catch (err) {
    state.error ??= (err as Error).message;
    state.outcome ??= 'error';
    throw err;
  } finally {
    endAttempt(rec, state);
  }
}

const FAILED = new Set(['retried', 'dead_lettered', 'illegal', 'error']);

function endAttempt(rec: AttemptRecord, s: AttemptTrace): void {
  const span = s.span;
  if (!span.isRecording()) return span.end();
  const attributes: Attributes = { 'docpipe.attempt': rec.attempt };
  if (rec.uuid) attributes['docpipe.document.uuid'] = rec.uuid;
  // no outcome: the worker stopped mid-attempt; the entry stays pending and is reclaimed
  attributes['docpipe.outcome'] = s.outcome ?? 'pending';
  if (s.handlerRuns) {
    attributes['docpipe.handler_ms'] = s.handlerMs;
    if (s.handlerRuns > 1) attributes['docpipe.handler_runs'] = s.handlerRuns;
  }
  if (s.code) attributes['docpipe.error.code'] = s.code;
  if (s.error) attributes['docpipe.error.message'] = s.error.slice(0, 500);
  span.setAttributes(attributes);
  if (s.outcome !== undefined && FAILED.has(s.outcome))
    span.setStatus({ code: SpanStatusCode.ERROR, message: s.code ?? s.error ?? s.outcome });
  span.end();
}

/** What the runtime reports with an outcome (error code and message of a retry or a dead letter). */
export interface OutcomeDetail {
  code?: string;
  error?: string;
}

/** Records an attempt's outcome on its span (the stage worker calls it with each outcome). */
export function recordOutcome(s: AttemptTrace, outcome: string, detail?: OutcomeDetail): void {
  s.outcome = outcome;
  if (detail?.code) s.code = detail.code;
  if (detail?.error) s.error = detail.error;
}

/** Adds one handler run's time to its attempt's `docpipe.handler_ms` (the handler has no span of its own: a span per run doubled the cost of tracing). */
export function recordHandlerRun(s: AttemptTrace, ms: number): void {
  s.handlerMs += Math.round(ms);
  s.handlerRuns++;
}

/** The traceparent of the message a stage hands to the next stage: the attempt's span (tracing on), else a new hop of the same trace. */
export function handoffTraceparent(incoming: string | undefined, attempt?: AttemptTrace): string {
  return attempt ? formatTraceparent(attempt.span.spanContext()) : nextTraceparent(incoming);
}

/** The traceparent of a retry: the failed attempt's span (tracing on), else the entry's own. */
export function retryTraceparent(incoming: string | undefined, attempt?: AttemptTrace): string {
  return attempt ? formatTraceparent(attempt.span.spanContext()) : (incoming ?? nextTraceparent(undefined));
}

/** A dead letter's fields: with the dead-lettered attempt's span as `trace` (tracing on), so a redrive continues under it. */
export function deadLetterFields(fields: Fields, attempt?: AttemptTrace): Fields {
  return attempt ? { ...fields, trace: formatTraceparent(attempt.span.spanContext()) } : fields;
}

/**
 * The first stage's traceparent for a document: with tracing on, a `submit <pipeline>` span (the
 * root of the document's trace) is made and ended; else a new trace.
 */
export function submitTraceparent(attributes: { documentUuid?: string; fileName?: string }): string {
  const t = tracer;
  if (!t) return nextTraceparent(undefined);
  const span = t.startSpan(`submit ${pipeline}`, { kind: SpanKind.PRODUCER }, ROOT_CONTEXT);
  if (span.isRecording()) {
    const attrs: Attributes = { 'docpipe.pipeline': pipeline, 'messaging.system': 'redis', 'messaging.operation.type': 'send' };
    if (attributes.documentUuid) attrs['docpipe.document.uuid'] = attributes.documentUuid;
    if (attributes.fileName) attrs['docpipe.file_name'] = attributes.fileName;
    span.setAttributes(attrs);
  }
  span.end();
  return formatTraceparent(span.spanContext());
}

/**
 * Runs `fn` in a child span of `parent` (a store or provider call worth seeing inside an attempt:
 * the attempt's `ctx.span`). With no parent, tracing off, or a parent that is not sampled, `fn`
 * runs with no span and `attributes` is not called.
 */
export async function withSpan<T>(
  parent: Span | undefined,
  name: string,
  attributes: () => Attributes,
  fn: (span: Span | undefined) => Promise<T>,
  kind: SpanKind = SpanKind.CLIENT,
): Promise<T> {
  const t = tracer;
  if (!t || !parent?.isRecording()) return fn(undefined);
  const span = t.startSpan(name, { kind, attributes: attributes() }, trace.setSpan(ROOT_CONTEXT, parent));
  try {
    return await fn(span);
  } catch (err) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message?.slice(0, 300) });
    throw err;
  } finally {
    span.end();
  }
}

/** An OCR call (one PDF page or one image) in an `ocr page` span under `parent`: provider, page, confidence. */
export function ocrSpan<T extends { confidence: number }>(
  parent: Span | undefined,
  provider: string,
  page: number,
  fn: () => Promise<T>,
): Promise<T> {
  return withSpan(
    parent,
    'ocr page',
    () => ({ 'docpipe.ocr.provider': provider, 'docpipe.page': page }),
    async (span) => {
      const ocr = await fn();
      span?.setAttribute('docpipe.ocr.confidence', Math.round(ocr.confidence * 10) / 10);
      return ocr;
    },
  );
}
