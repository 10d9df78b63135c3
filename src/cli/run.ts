import path from 'node:path';
import type { Logger } from 'pino';
import { loadPipeline } from '../config/load.ts';
import type { PipelineConfig } from '../config/types.ts';
import { createLogger } from '../log/logger.ts';
import { connectStore, migrate, type Store } from '../store/db.ts';
import { noStore } from '../store/none.ts';
import { Runner } from '../worker/runner.ts';

export interface RunCommandOptions {
  stage?: string;
  untilIdle?: boolean;
  input?: string[];
  consumer?: string;
  grace?: string;
  pretty?: boolean;
  logLevel?: string;
}

export interface OpenedStore {
  store: Store;
  close(): Promise<void>;
}

/** Opens the pipeline's store: `none`, a postgres:// URL, or the embedded Postgres. */
export async function openPipelineStore(config: PipelineConfig, log: Logger): Promise<OpenedStore> {
  const url = config.store.url;
  if (url === 'none') return { store: noStore(), close: async () => {} };
  if (url === 'embedded') {
    const { openStore } = await import('../store/resolve.ts');
    const opened = await openStore({ url, dataDir: config.store.dataDir, pool: config.store.pool }, log);
    return { store: { sql: opened.sql }, close: () => opened.close() };
  }
  const sql = connectStore(url, { pool: config.store.pool });
  await migrate(sql);
  return { store: { sql }, close: () => sql.end({ timeout: 5 }) };
}

/** `docpipe-run <pipeline.yaml>`: starts the workers; with --until-idle exits once all work is done. */
export async function runCommand(file: string, opts: RunCommandOptions): Promise<number> {
  const log = createLogger({ pretty: opts.pretty ?? false, level: opts.logLevel });
  const config = loadPipeline(path.resolve(file));
  const graceMs = Number(opts.grace ?? 10) * 1000;
  const opened = await openPipelineStore(config, log);
  const runner = await Runner.create(config, {
    log,
    store: opened.store,
    stages: opts.stage ? opts.stage.split(',').map((s) => s.trim()).filter(Boolean) : undefined,
    consumer: opts.consumer,
    extraRoots: opts.input?.map((p) => path.resolve(p)),
  });

  const stopping = new AbortController();
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    signals++;
    if (signals > 1) {
      log.error({ signal: sig }, 'second signal: exiting now');
      process.exit(130);
    }
    log.info({ signal: sig, grace_ms: graceMs }, 'shutting down: finishing in-flight work');
    stopping.abort();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  runner.start();
  if (opts.untilIdle) await runner.waitUntilIdle(stopping.signal);
  else await new Promise<void>((resolve) => stopping.signal.addEventListener('abort', () => resolve(), { once: true }));

  await runner.stop(graceMs);
  await opened.close();
  process.off('SIGTERM', onSignal);
  process.off('SIGINT', onSignal);
  log.flush?.();
  return 0;
}
