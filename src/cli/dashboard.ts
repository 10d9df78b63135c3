/** `docpipe dashboard [pipeline.yaml] [--port 8080] [--host 127.0.0.1] [--allow-actions] [--show-text] [--trace-url <template>]`. */
import { checkTraceUrl, startDashboard } from '../dashboard/server.ts';
import { createLogger, type Logger } from '../log/logger.ts';
import { EXIT_OK, EXIT_PROBLEM, EXIT_USAGE, withOps, type CommandOutput } from './support.ts';

export const DASHBOARD_TOKEN_ENV = 'DOCPIPE_DASHBOARD_TOKEN';
export const TRACE_URL_ENV = 'DOCPIPE_TRACE_URL';

export interface DashboardCommandOptions {
  port?: string;
  host?: string;
  allowActions?: boolean;
  showText?: boolean;
  /** Links trace ids: a URL with {trace_id} (default: DOCPIPE_TRACE_URL). */
  traceUrl?: string;
  /** Where requests that fail and actions taken are logged (default: human-readable lines on stderr). */
  log?: Logger;
  /** Stops the server (tests); SIGINT/SIGTERM stop it otherwise. */
  signal?: AbortSignal;
}

export async function dashboardCommand(
  file: string | undefined,
  opts: DashboardCommandOptions,
  out: CommandOutput,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const port = Number(opts.port ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    out.error(`dashboard: --port must be a port number, got "${opts.port}"`);
    return EXIT_USAGE;
  }
  const token = env[DASHBOARD_TOKEN_ENV]?.trim() || undefined;
  if (opts.allowActions && !token) {
    out.error(`dashboard: --allow-actions needs a token in ${DASHBOARD_TOKEN_ENV} (actions require "Authorization: Bearer <token>")`);
    return EXIT_USAGE;
  }
  const host = opts.host ?? '127.0.0.1';
  const traceUrl = opts.traceUrl ?? (env[TRACE_URL_ENV]?.trim() || undefined);
  try {
    checkTraceUrl(traceUrl);
  } catch (err) {
    out.error(`${(err as Error).message} (--trace-url or ${TRACE_URL_ENV})`);
    return EXIT_USAGE;
  }
  return withOps(file, out, 'dashboard', async (ctx) => {
    await ctx.redis.ping(); // fail now, with a clear message, when Redis is unreachable
    const log = opts.log ?? createLogger({ pretty: true, level: 'info' });
    let dashboard;
    try {
      dashboard = await startDashboard({
        config: ctx.config,
        redis: ctx.redis,
        port,
        host,
        allowActions: opts.allowActions,
        token,
        showText: opts.showText,
        traceUrl,
        log,
        redisError: ctx.redisError,
      });
    } catch (err) {
      out.error(`dashboard: cannot listen on ${host}:${port}: ${(err as Error).message}`);
      return EXIT_PROBLEM;
    }
    out.log(
      `dashboard of ${ctx.config.name} (prefix ${ctx.config.prefix}) at ${dashboard.url} (${opts.allowActions ? 'actions enabled, token required' : 'read-only'}; Ctrl-C to stop)`,
    );
    let stop: () => void = () => undefined;
    await new Promise<void>((resolve) => {
      stop = () => resolve();
      opts.signal?.addEventListener('abort', stop, { once: true });
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      if (opts.signal?.aborted) resolve();
    });
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await dashboard.close();
    return EXIT_OK;
  });
}
