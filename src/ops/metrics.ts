import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { PipelineConfig } from '../config/types.ts';
import type { DocumentMachine } from '../state/machine.ts';
import { Keys } from '../streams/keys.ts';
import type { RedisClient } from '../streams/redis.ts';
import type { OutcomeObserver } from '../worker/observer.ts';
import type { LlmUsage } from '../providers/types.ts';
import type { OpsContext } from './connect.ts';
import { collectStatus, countDocumentStates, type StatusReport } from './status.ts';

/** Handler duration buckets (seconds): from a 10 ms NER call to a 10-minute OCR of a long scan. */
export const DURATION_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

export interface MetricsSource {
  redis: RedisClient;
  config: PipelineConfig;
  machine: DocumentMachine;
  /** This process's LLM client (its running totals), when one is configured. */
  llm?: { usage?: LlmUsage } | undefined;
}

export interface MetricsOptions {
  /** Documents by state need a key scan: it runs at most this often (default 30 s). */
  documentsEveryMs?: number;
  /** Process metrics (CPU, memory, event loop, GC) too (default true). */
  processMetrics?: boolean;
}

/**
 * Prometheus metrics of one docpipe-run process. Counters and the duration histogram count what
 * this process's workers did (`observe`, wired to the runner's `onOutcome`); the gauges read the
 * pipeline's Redis at scrape time (the same values from every process: aggregate them with max).
 */
export class PipelineMetrics {
  readonly registry = new Registry();
  private readonly outcomes: Counter<'stage' | 'outcome'>;
  private readonly duration: Histogram<'stage' | 'outcome'>;
  private source: MetricsSource | undefined;
  private snapshot: { at: number; report: Promise<StatusReport | undefined> } | undefined;
  private documents: { at: number; counts: Record<string, number> } | undefined;
  private readonly documentsEveryMs: number;
  private log: Logger | undefined;

  constructor(options: MetricsOptions = {}) {
    this.documentsEveryMs = options.documentsEveryMs ?? 30_000;
    const registers = [this.registry];
    if (options.processMetrics !== false) collectDefaultMetrics({ register: this.registry });
    this.outcomes = new Counter({
      name: 'docpipe_stage_processed_total',
      help: 'Messages finished by this process, by stage and outcome (processed, retried, dead_lettered, skipped, illegal, stale).',
      labelNames: ['stage', 'outcome'],
      registers,
    });
    this.duration = new Histogram({
      name: 'docpipe_stage_handler_duration_seconds',
      help: 'Handler run time of messages that succeeded (processed) or failed and were scheduled for a retry (retried).',
      labelNames: ['stage', 'outcome'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    const read = () => this.report();
    const documentStates = () => this.documentStates();
    const stageGauge = (name: string, help: string, pick: (s: StatusReport['stages'][number]) => number | null) => {
      new Gauge({
        name,
        help,
        labelNames: ['stage'],
        registers,
        async collect() {
          const report = await read();
          this.reset();
          for (const s of report?.stages ?? []) {
            const v = pick(s);
            if (v !== null) this.set({ stage: s.stage }, v);
          }
        },
      });
    };
    stageGauge('docpipe_stream_length', 'Entries in the stage stream (acknowledged entries stay until trimmed).', (s) => s.length);
    stageGauge('docpipe_stream_lag', 'Entries of the stage stream its consumer group has not read yet.', (s) => s.lag);
    stageGauge(
      'docpipe_stream_pending',
      'Entries read by a stage worker and not acknowledged yet (in flight or left by a dead worker).',
      (s) => s.pending,
    );
    stageGauge('docpipe_stream_oldest_pending_idle_seconds', 'Longest idle time among the oldest pending entries of the stage.', (s) =>
      s.oldest_pending_idle_ms === null ? 0 : s.oldest_pending_idle_ms / 1000,
    );
    stageGauge('docpipe_stage_consumers', 'Consumers registered in the stage consumer group.', (s) => s.consumers.length);
    stageGauge(
      'docpipe_stage_consumers_alive',
      'Consumers of the stage whose worker is alive (its liveness key is fresh).',
      (s) => s.consumers_alive,
    );
    stageGauge(
      'docpipe_retries_scheduled',
      'Retries waiting for their backoff before going back to the stage stream.',
      (s) => s.scheduled_retries,
    );
    stageGauge('docpipe_dlq_entries', 'Entries in the stage dead-letter stream.', (s) => s.dlq_size);
    new Gauge({
      name: 'docpipe_documents',
      help: 'Documents by state (state mirror hashes in Redis; refreshed at most every documentsEveryMs).',
      labelNames: ['state'],
      registers,
      async collect() {
        const counts = await documentStates();
        this.reset();
        for (const [state, n] of Object.entries(counts)) this.set({ state }, n);
      },
    });
    const llmUsage = () => this.source?.llm?.usage;
    new Counter({
      name: 'docpipe_llm_tokens_total',
      help: "LLM tokens this process spent (from the responses' usage), by kind (prompt, completion).",
      labelNames: ['kind'],
      registers,
      collect() {
        const u = llmUsage();
        this.reset();
        if (u) {
          this.inc({ kind: 'prompt' }, u.promptTokens);
          this.inc({ kind: 'completion' }, u.completionTokens);
        }
      },
    });
    new Counter({
      name: 'docpipe_llm_requests_total',
      help: 'LLM requests this process sent (retries and re-asks included), re-asks of malformed answers, and answers served from llm_cache.',
      labelNames: ['kind'],
      registers,
      collect() {
        const u = llmUsage();
        this.reset();
        if (u) {
          this.inc({ kind: 'sent' }, u.requests);
          this.inc({ kind: 'reask' }, u.reasks);
          this.inc({ kind: 'cache_hit' }, u.cacheHits);
        }
      },
    });
    new Gauge({
      name: 'docpipe_redis_up',
      help: '1 when the last scrape could read the pipeline state from Redis.',
      registers,
      async collect() {
        this.set((await read()) ? 1 : 0);
      },
    });
  }

  /** Gives the gauges their Redis (the runner's command connection) and pipeline. */
  attach(source: MetricsSource, log?: Logger): this {
    this.source = source;
    this.log = log;
    return this;
  }

  /** Counts one finished message; pass it as (or call it from) the runner's `onOutcome`. */
  observe: OutcomeObserver = (stage, outcome, durationMs) => {
    this.outcomes.inc({ stage, outcome });
    if (outcome === 'processed' || outcome === 'retried') this.duration.observe({ stage, outcome }, durationMs / 1000);
  };

  /** Prometheus text exposition of every metric. */
  async render(): Promise<string> {
    this.snapshot = undefined;
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private context(): OpsContext | undefined {
    const s = this.source;
    return s
      ? { config: s.config, redis: s.redis, machine: s.machine, keys: new Keys(s.config.prefix), redisError: () => undefined }
      : undefined;
  }

  /** One Redis read per scrape, shared by every gauge. */
  private report(): Promise<StatusReport | undefined> {
    const ctx = this.context();
    if (!ctx) return Promise.resolve(undefined);
    const now = Date.now();
    if (!this.snapshot || now - this.snapshot.at > 1000) {
      this.snapshot = {
        at: now,
        report: collectStatus(ctx, now, { documents: false }).catch((err: unknown) => {
          this.log?.warn({ err: (err as Error).message }, 'metrics: reading the pipeline state from Redis failed');
          return undefined;
        }),
      };
    }
    return this.snapshot.report;
  }

  private async documentStates(): Promise<Record<string, number>> {
    const ctx = this.context();
    if (!ctx) return {};
    const now = Date.now();
    if (!this.documents || now - this.documents.at >= this.documentsEveryMs) {
      try {
        this.documents = { at: now, counts: await countDocumentStates(ctx.redis, ctx.keys.prefix, ctx.machine.states) };
      } catch (err) {
        this.log?.warn({ err: (err as Error).message }, 'metrics: counting documents by state failed');
        return this.documents?.counts ?? {};
      }
    }
    return this.documents.counts;
  }
}

export interface MetricsServer {
  port: number;
  url: string;
  close(): Promise<void>;
}

/**
 * Serves `GET /metrics` (Prometheus text) and `GET /healthz` on `port` (0 = any free port), bound to
 * `host`: loopback by default, like the dashboard; a scraper on another host needs `0.0.0.0`.
 */
export async function startMetricsServer(options: {
  port: number;
  host?: string;
  metrics: PipelineMetrics;
  log?: Logger;
}): Promise<MetricsServer> {
  const { metrics, log } = options;
  const host = options.host ?? '127.0.0.1';
  const server: Server = createServer((req, res) => {
    const url = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (url === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
      return;
    }
    if (url !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics\n');
      return;
    }
    metrics.render().then(
      (text) => res.writeHead(200, { 'content-type': metrics.contentType }).end(text),
      (err: unknown) => {
        log?.error({ err: (err as Error).message }, 'metrics: rendering failed');
        res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  log?.info({ host, port }, 'metrics: serving /metrics');
  return {
    port,
    url: `http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host}:${port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
