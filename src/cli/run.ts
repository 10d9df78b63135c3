import path from 'node:path';
import type { Logger } from 'pino';
import { loadPipeline } from '../config/load.ts';
import type { PipelineConfig } from '../config/types.ts';
import { createLogger } from '../log/logger.ts';
import type { Store } from '../store/db.ts';
import { noStore } from '../store/none.ts';
import { createSupabaseReader } from '../providers/supabase.ts';
import { QueueIntake } from '../worker/intake.ts';
import { OutcomeWriter } from '../worker/outcomes.ts';
import { Runner } from '../worker/runner.ts';
import { PipelineMetrics, startMetricsServer, type MetricsServer } from '../ops/metrics.ts';
import { openStore } from '../store/resolve.ts';
import { startDashboard } from '../dashboard/server.ts';
import { submitFiles, type Submitted } from './direct.ts';
import { RunProgress } from './progress.ts';

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
}

export interface OpenedStore {
  store: Store;
  close(): Promise<void>;
  none?: boolean;
}

/** Opens the pipeline's store: `none`, a postgres:// URL, or the embedded Postgres (migrations applied). */
export async function openPipelineStore(config: PipelineConfig, log: Logger): Promise<OpenedStore> {
  if (config.store.url === 'none') return { store: noStore(), close: async () => {}, none: true };
  const opened = await openStore({ url: config.store.url, dataDir: config.store.dataDir, pool: config.store.pool }, log);
  return { store: { sql: opened.sql }, close: () => opened.close() };
}

/** `docpipe-run <pipeline.yaml>`: starts the workers; with --until-idle exits once all work is done. */
export async function runCommand(file: string, opts: RunCommandOptions): Promise<number> {
  const log = createLogger({ pretty: opts.pretty ?? false, level: opts.logLevel ?? (opts.input ? 'warn' : undefined) });
  const config = loadPipeline(path.resolve(file));
  const graceMs = Number(opts.grace ?? 10) * 1000;
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
      process.exit(0);
    }, graceMs + 15_000).unref();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  // --stage a,b: only those workers; --coordinator alone: no workers, only intake and outcome write-back
  const onlyStages = opts.stage ? opts.stage.split(',').map((s) => s.trim()).filter(Boolean) : opts.coordinator ? [] : undefined;
  const metricsPort = opts.metricsPort === undefined ? undefined : Number(opts.metricsPort);
  if (metricsPort !== undefined && !(Number.isInteger(metricsPort) && metricsPort >= 0 && metricsPort < 65536)) {
    throw new Error(`--metrics-port must be a port number, got "${opts.metricsPort}"`);
  }
  const metrics = metricsPort === undefined ? undefined : new PipelineMetrics();
  const opened = await openPipelineStore(config, log);
  const supabase = createSupabaseReader(process.env);
  const progress = new RunProgress(config.stages.map((s) => s.name));
  const last = config.stages[config.stages.length - 1]!.name;
  const runner = await Runner.create(config, {
    log,
    store: opened.store,
    stages: onlyStages,
    consumer: opts.consumer,
    extraRoots: opts.input?.map((p) => path.resolve(p)),
    remote: supabase ? { supabase } : undefined,
    onOutcome: (stage, outcome, ms) => {
      progress.record(stage, outcome, ms, stage === last);
      metrics?.observe(stage, outcome, ms);
    },
  });
  let metricsServer: MetricsServer | undefined;
  if (metrics && metricsPort !== undefined) {
    metrics.attach({ redis: runner.redis, config, machine: runner.machine, llm: runner.providers.llm }, log);
    metricsServer = await startMetricsServer({ port: metricsPort, metrics, log });
  }
  // read-only unless DOCPIPE_DASHBOARD_TOKEN is set (then redrive/purge need it as a bearer token)
  const token = process.env['DOCPIPE_DASHBOARD_TOKEN'] || undefined;
  const dashboard = opts.dashboard === undefined ? undefined
    : await startDashboard({ config, redis: runner.redis, port: Number(opts.dashboard), allowActions: token !== undefined, token, log });
  if (dashboard) process.stderr.write(`dashboard: ${dashboard.url}\n`);

  // Intake and outcome write-back run in the process that runs the whole pipeline, or in --coordinator.
  const whole = !onlyStages || opts.coordinator === true;
  const sql = opened.none ? undefined : opened.store.sql;
  const outcomes = whole && sql ? new OutcomeWriter({ sql, broker: runner.broker, redis: runner.redis, config, log, consumer: runner.consumer }) : undefined;
  const intake = whole && sql && config.intake ? new QueueIntake({ sql, broker: runner.broker, config, log, processorId: runner.consumer }) : undefined;

  let submitted: Submitted[] = [];
  if (opts.input?.length) {
    if (!sql) throw new Error('--input needs a store (store.url is "none")');
    const result = await submitFiles({ sql, broker: runner.broker, config, log }, opts.input);
    submitted = result.submitted;
    for (const s of result.skipped) process.stderr.write(`skipped ${s.path}: ${s.reason}\n`);
    process.stderr.write(`submitted ${submitted.length} document(s) to ${config.stages[0]!.stream}\n`);
    progress.begin(submitted.length);
  }

  runner.start();
  await outcomes?.start();
  intake?.start();
  if (opts.untilIdle) {
    await runner.waitUntilIdle(stopping.signal, async () => (await (intake?.isIdle() ?? true)) && (await (outcomes?.isIdle() ?? true)));
  } else {
    await new Promise<void>((resolve) => stopping.signal.addEventListener('abort', () => resolve(), { once: true }));
  }

  await intake?.stop();
  await runner.stop(graceMs);
  await outcomes?.stop();
  await metricsServer?.close();
  await dashboard?.close();
  progress.end();
  if (opts.untilIdle) {
    const states: Record<string, number> = {};
    for (const doc of submitted) {
      const state = (await runner.redisState(doc.documentUuid)) ?? 'unknown';
      states[state] = (states[state] ?? 0) + 1;
    }
    process.stdout.write(progress.table(states) + '\n');
    const failedDocs = [];
    for (const doc of submitted) {
      const d = await runner.redisDoc(doc.documentUuid);
      if (d['state'] === 'failed') failedDocs.push(`  ${path.basename(doc.path)}: ${d['error'] ?? ''}`);
    }
    if (failedDocs.length) process.stdout.write(`failed:\n${failedDocs.join('\n')}\n`);
  }
  await runner.close();
  await opened.close();
  process.off('SIGTERM', onSignal);
  process.off('SIGINT', onSignal);
  log.flush?.();
  return 0;
}
