/**
 * OpenTelemetry tracing: off unless the standard `OTEL_*` environment asks for it, then the
 * official SDK (sdk-trace-node, batch span processor, OTLP/HTTP JSON exporter) registered as the
 * process's global tracer provider, so the spans of `spans.ts` (and any instrumentation library)
 * land in it. No context manager is registered (see spans.ts): `context.active()` stays the root
 * context, so an instrumentation library's spans start traces of their own. One process has at
 * most one; `shutdown()` flushes what is buffered.
 *
 * On when OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_TRACES_EXPORTER
 * (otlp, console) is set; OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none keep it off. The SDK
 * reads the rest itself: OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES, OTEL_TRACES_SAMPLER(_ARG),
 * OTEL_BSP_*, OTEL_EXPORTER_OTLP_(TRACES_)HEADERS|TIMEOUT|COMPRESSION.
 */
import { context, propagation, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, ConsoleSpanExporter, NodeTracerProvider, type SpanExporter } from '@opentelemetry/sdk-trace-node';
import type { Logger } from 'pino';
import { setTracer } from './spans.ts';

export interface Tracing {
  /** Where spans go: the OTLP traces URL, or "console". */
  readonly target: string;
  /** Exports what is buffered now. */
  flush(): Promise<void>;
  /** Flushes, stops the provider and unregisters it (a later `startTracing` may register again). */
  shutdown(): Promise<void>;
}

type Env = Record<string, string | undefined>;

/** The exporter the environment asks for: undefined when tracing stays off. */
export function tracesExporterOf(env: Env): 'otlp' | 'console' | undefined {
  if ((env['OTEL_SDK_DISABLED'] ?? '').trim().toLowerCase() === 'true') return undefined;
  const named = (env['OTEL_TRACES_EXPORTER'] ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  if (named.includes('none')) return undefined;
  if (named.includes('otlp')) return 'otlp';
  if (named.includes('console')) return 'console';
  if (named.length)
    throw new Error(
      `OTEL_TRACES_EXPORTER=${env['OTEL_TRACES_EXPORTER']}: docpipe exports traces with "otlp" (OTLP/HTTP JSON) or "console"`,
    );
  return env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'] || env['OTEL_EXPORTER_OTLP_ENDPOINT'] ? 'otlp' : undefined;
}

/** The URL the OTLP exporter posts to (the SDK's own rule: the traces endpoint as is, else `<endpoint>/v1/traces`). */
export function otlpTracesUrl(env: Env): string {
  const own = env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'];
  if (own) return own;
  const base = env['OTEL_EXPORTER_OTLP_ENDPOINT'] || 'http://localhost:4318';
  return `${base.replace(/\/+$/, '')}/v1/traces`;
}

let current: Tracing | undefined;

/**
 * Starts tracing when the environment asks for it (see the header); undefined otherwise. The
 * pipeline name becomes the resource attribute `docpipe.pipeline`; `service.name` defaults to
 * "docpipe" (OTEL_SERVICE_NAME overrides it).
 */
export function startTracing(options: { pipeline: string; log?: Logger }): Tracing | undefined {
  // the SDK reads process.env itself (exporter, resource, sampler): so does the on/off decision
  const env = process.env;
  const kind = tracesExporterOf(env);
  if (!kind) return undefined;
  if (current) throw new Error('tracing is already started in this process');
  const protocol = env['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'] ?? env['OTEL_EXPORTER_OTLP_PROTOCOL'];
  if (kind === 'otlp' && protocol && protocol !== 'http/json') {
    options.log?.warn({ protocol }, 'docpipe exports OTLP over HTTP as JSON (http/json); OTEL_EXPORTER_OTLP_PROTOCOL is not used');
  }
  const exporter: SpanExporter = kind === 'console' ? new ConsoleSpanExporter() : new OTLPTraceExporter();
  const resource = defaultResource()
    .merge(resourceFromAttributes({ 'service.name': 'docpipe', 'docpipe.pipeline': options.pipeline }))
    .merge(detectResources({ detectors: [envDetector] }));
  const provider = new NodeTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(exporter)] });
  // no context manager: an AsyncLocalStorage one slows every promise of the process; spans.ts
  // hands each attempt's span on explicitly
  provider.register({ contextManager: null });
  setTracer(provider.getTracer('docpipe'), options.pipeline);
  const target = kind === 'console' ? 'console' : otlpTracesUrl(env);
  options.log?.info({ traces: target }, 'tracing on');
  let stopped: Promise<void> | undefined;
  const tracing: Tracing = {
    target,
    flush: () =>
      provider.forceFlush().catch((err: unknown) => options.log?.warn({ err: (err as Error).message }, 'exporting spans failed')),
    shutdown: () =>
      (stopped ??= (async () => {
        setTracer(undefined, undefined);
        await provider
          .shutdown()
          .catch((err: unknown) => options.log?.warn({ err: (err as Error).message }, 'exporting spans at shutdown failed'));
        trace.disable();
        context.disable();
        propagation.disable();
        if (current === tracing) current = undefined;
      })()),
  };
  current = tracing;
  return tracing;
}

/** Exports the spans buffered so far (the runner's stop path); nothing when tracing is off. */
export async function flushTracing(): Promise<void> {
  await current?.flush();
}
