import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { loadRunnablePipeline } from '../worker/preflight.ts';
import type { PipelineConfig } from '../config/types.ts';
import { createLogger } from '../log/logger.ts';
import { installPostgresWriteGuard } from '../store/pg-guard.ts';
import type { Store } from '../store/db.ts';
import { noStore } from '../store/none.ts';
import { createSupabaseReader } from '../providers/supabase.ts';
import { Keys } from '../streams/keys.ts';
import { connectRedis } from '../streams/redis.ts';
import { QueueIntake } from '../worker/intake.ts';
import { loadStageRuntimes } from '../worker/load-stages.ts';
import { OutcomeWriter } from '../worker/outcome-writer.ts';
import { Runner } from '../worker/runner.ts';
import { EXIT_DOCUMENTS_FAILED, EXIT_OK, EXIT_PROBLEM } from './support.ts';
import { PipelineMetrics, startMetricsServer } from '../ops/metrics.ts';
import { openStore } from '../store/resolve.ts';
import { checkTraceUrl, startDashboard } from '../dashboard/server.ts';
import { submitFiles, type Submitted } from './direct.ts';
import { RunProgress } from './progress.ts';
import { summarizeRun } from './run-summary.ts';
import { OpenedResources, redisRetries, rememberInputRoots, UsageError, waitForRedis } from './startup.ts';
import { startTracing } from '../telemetry/tracing.ts';

export interface RunCommandOptions {
  stage?: string;
  untilIdle?: boolean;
  input?: string[];
  consumer?: string;
  coordinator?: boolean;
  metricsPort?: string;
  dashboard?: string;
  grace?: string;
  pretty?: boolean;
  logLevel?: string;
  metricsHost?: string;
  redisRetries?: string;
  /** The dashboard links trace ids to this URL template (or DOCPIPE_TRACE_URL). */
  traceUrl?: string;
  /** The pipeline file as the user typed it (for the hints in the summary). */
  file?: string;
}

export interface OpenedStore {
  store: Store;
  close(): Promise<void>;
  none?: boolean;
  /** The store's URL (for embedded: the running server's); redact before showing it. */
  url?: string;
}

/** Opens the pipeline's store: `none`, a postgres:// URL, or the embedded Postgres (migrations applied). */
export async function openPipelineStore(config: PipelineConfig, log: Logger): Promise<OpenedStore> {
  if (config.store.url === 'none') return { store: noStore(), close: async () => {}, none: true };
  const opened = await openStore({ url: config.store.url, dataDir: config.store.dataDir, pool: config.store.pool }, log);
  return { store: { sql: opened.sql }, close: () => opened.close(), url: opened.url };
}

/** Parses a port option (`--metrics-port`, `--dashboard`): a usage error unless 0..65535. */
function portOption(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!(Number.isInteger(port) && port >= 0 && port < 65536)) throw new UsageError(`${flag} must be a port number, got "${value}"`);
  return port;
}

/** Names a listen failure the way a user can act on it (EADDRINUSE: which flag, which port). */
function listenError(err: unknown, flag: string, port: number): Error {
  const code = (err as NodeJS.ErrnoException).code;
  const why = code === 'EADDRINUSE' ? 'already in use' : code === 'EACCES' ? 'not allowed' : (err as Error).message;
  return new Error(`${flag} ${port}: port ${why}`, { cause: err });
}

/**
 * `docpipe-run <pipeline.yaml>`: starts the workers; with --until-idle exits once all work is done.
 * Configuration and usage errors (unknown --stage, missing handler module, a missing --input path)
 * are thrown before anything is opened; a later start-up failure (Redis unreachable, a stage's
 * setup() throwing, a port in use) closes what was opened, newest first, embedded Postgres included,
 * and is thrown for `main` to report and exit non-zero (see `exitCodeOf`).
 */
export async function runCommand(file: string, opts: RunCommandOptions): Promise<number> {
  const log = createLogger({ pretty: opts.pretty ?? false, level: opts.logLevel ?? (opts.input ? 'warn' : undefined) });
  const config = loadRunnablePipeline(path.resolve(file));
  const graceMs = Number(opts.grace ?? 10) * 1000;
  if (!(graceMs >= 0)) throw new UsageError(`--grace must be a number of seconds, got "${opts.grace}"`);
  // --stage a,b: only those workers; --coordinator alone: no workers, only intake and outcome write-back
  const onlyStages = opts.stage
    ? opts.stage
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : opts.coordinator
      ? []
      : undefined;
  const metricsPort = portOption(opts.metricsPort, '--metrics-port');
  const dashboardPort = portOption(opts.dashboard, '--dashboard');
  const attempts = redisRetries(opts.redisRetries);
  const traceUrl = opts.traceUrl ?? (process.env['DOCPIPE_TRACE_URL']?.trim() || undefined);
  try {
    checkTraceUrl(traceUrl);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  for (const p of opts.input ?? []) {
    if (!existsSync(p)) throw new UsageError(`--input ${p}: no such file or folder`);
  }
  const runtimes = await loadStageRuntimes(config, onlyStages);

  const stopping = new AbortController();
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    signals++;
    if (signals > 1) {
      log.error({ signal: sig }, 'second signal: exiting now');
      process.exit(130);
    }
    log.warn({ signal: sig, grace_ms: graceMs }, 'shutting down: finishing in-flight work');
    stopping.abort();
    // unfinished entries stay pending and are reclaimed: a forced exit after the grace period loses nothing
    setTimeout(() => {
      log.error('shutdown did not finish in time: exiting');
      process.exit(EXIT_PROBLEM);
    }, graceMs + 15_000).unref();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  installPostgresWriteGuard(log);
  const opened = new OpenedResources(log);
  try {
    // OpenTelemetry traces when OTEL_* asks for them; closed last, so the final spans are exported
    const tracing = startTracing({ pipeline: config.name, log });
    if (tracing) opened.add('tracing', () => tracing.shutdown());
    const probe = connectRedis(config.redis, log, 'docpipe:start');
    opened.add('redis probe', async () => probe.disconnect());
    await waitForRedis(probe, config.redis.url, log, attempts);
    const inputRoots = await rememberInputRoots(probe, new Keys(config.prefix).inputRoots(), opts.input);
    const store = await openPipelineStore(config, log);
    opened.add('store', () => store.close());
    const supabase = createSupabaseReader(process.env);
    const progress = new RunProgress(config.stages.map((s) => s.name));
    const last = config.stages[config.stages.length - 1]!.name;
    const metrics = metricsPort === undefined ? undefined : new PipelineMetrics();
    const runner = await Runner.create(config, {
      log,
      store: store.store,
      runtimes,
      consumer: opts.consumer,
      extraRoots: inputRoots,
      remote: supabase ? { supabase } : undefined,
      onOutcome: (stage, outcome, ms) => {
        progress.record(stage, outcome, ms, stage === last);
        metrics?.observe(stage, outcome, ms);
      },
    });
    opened.add('workers', () => runner.close());
    if (metrics && metricsPort !== undefined) {
      metrics.attach({ redis: runner.redis, config, machine: runner.machine, llm: runner.providers.llm }, log);
      const host = opts.metricsHost ?? process.env['DOCPIPE_METRICS_HOST'] ?? '127.0.0.1';
      const server = await startMetricsServer({ port: metricsPort, host, metrics, log }).catch((err: unknown) => {
        throw listenError(err, '--metrics-port', metricsPort);
      });
      opened.add('metrics server', () => server.close());
    }
    if (dashboardPort !== undefined) {
      // read-only unless DOCPIPE_DASHBOARD_TOKEN is set (then redrive/purge need it as a bearer token)
      const token = process.env['DOCPIPE_DASHBOARD_TOKEN'] || undefined;
      const dashboard = await startDashboard({
        config,
        redis: runner.redis,
        port: dashboardPort,
        allowActions: token !== undefined,
        token,
        traceUrl,
        log,
      }).catch((err: unknown) => {
        throw listenError(err, '--dashboard', dashboardPort);
      });
      opened.add('dashboard', () => dashboard.close());
      process.stdout.write(`dashboard: ${dashboard.url}\n`);
    }
    return await runPipeline({
      config,
      log,
      opts: { ...opts, file: opts.file ?? file },
      store,
      runner,
      progress,
      graceMs,
      stopping: stopping.signal,
      opened,
    });
  } finally {
    await opened.closeAll();
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    log.flush?.();
  }
}

/** Submits --input, runs until idle (or a signal), stops the workers, prints the summary; returns the exit code. */
async function runPipeline(r: {
  config: PipelineConfig;
  log: Logger;
  opts: RunCommandOptions;
  store: OpenedStore;
  runner: Runner;
  progress: RunProgress;
  graceMs: number;
  stopping: AbortSignal;
  opened: OpenedResources;
}): Promise<number> {
  const { config, log, opts, runner, progress } = r;
  // Intake and outcome write-back run in the process that runs the whole pipeline, or in --coordinator.
  const whole = !opts.stage || opts.coordinator === true;
  const sql = r.store.none ? undefined : r.store.store.sql;
  const outcomes =
    whole && sql
      ? new OutcomeWriter({ sql, broker: runner.broker, redis: runner.redis, config, log, consumer: runner.consumer })
      : undefined;
  const intake =
    whole && sql && config.intake ? new QueueIntake({ sql, broker: runner.broker, config, log, processorId: runner.consumer }) : undefined;

  let submitted: Submitted[] = [];
  let skipped = 0;
  if (opts.input?.length) {
    if (!sql) throw new UsageError('--input needs a store (store.url is "none")');
    const result = await submitFiles({ sql, broker: runner.broker, config, log }, opts.input);
    submitted = result.submitted;
    skipped = result.skipped.length;
    for (const s of result.skipped) process.stderr.write(`skipped ${s.path}: ${s.reason}\n`);
    process.stdout.write(`submitted ${submitted.length} document(s) to ${config.stages[0]!.stream}\n`);
    progress.begin(submitted.length);
  }

  runner.start();
  await outcomes?.start();
  r.opened.add('outcome writer', async () => outcomes?.stop());
  intake?.start();
  r.opened.add('intake', async () => intake?.stop());
  if (opts.untilIdle) {
    await runner.waitUntilIdle(r.stopping, async () => (await (intake?.isIdle() ?? true)) && (await (outcomes?.isIdle() ?? true)));
  } else if (!r.stopping.aborted) {
    await new Promise<void>((resolve) => r.stopping.addEventListener('abort', () => resolve(), { once: true }));
  }

  await intake?.stop();
  await runner.stop(r.graceMs);
  await outcomes?.stop();
  progress.end();
  if (!opts.untilIdle) return EXIT_OK;
  const summary = await summarizeRun({
    config,
    runner,
    progress,
    submitted,
    skipped,
    storeUrl: r.store.url,
    embedded: config.store.url === 'embedded',
    file: opts.file,
  });
  process.stdout.write(summary.text + '\n');
  return summary.allCompleted ? EXIT_OK : EXIT_DOCUMENTS_FAILED;
}
