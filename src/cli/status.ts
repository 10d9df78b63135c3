/** `docpipe status [pipeline.yaml] [--json] [--watch]`: where every document is, per stage. */
import { EXIT_OK, EXIT_USAGE, withOps, type CommandOutput } from './support.ts';
import { parseDuration } from '../config/duration.ts';
import { collectStatus } from '../ops/status.ts';
import { formatStatus } from './status-format.ts';

export interface StatusOptions {
  json?: boolean;
  watch?: boolean;
  /** Refresh interval of --watch (a duration, default 2s). */
  interval?: string;
  /** Stops --watch (tests); SIGINT/SIGTERM stop it otherwise. */
  signal?: AbortSignal;
  /** Where --watch redraws; clears the screen between refreshes when it is a TTY. */
  tty?: boolean;
}

export async function statusCommand(file: string | undefined, opts: StatusOptions, out: CommandOutput): Promise<number> {
  const intervalMs = parseDuration(opts.interval ?? '2s');
  if (intervalMs === undefined || intervalMs <= 0) {
    out.error(`status: --interval "${opts.interval}" is not a duration (e.g. 500ms, 2s, 1m)`);
    return EXIT_USAGE;
  }
  return withOps(file, out, 'status', async (ctx) => {
    const render = async () => {
      const report = await collectStatus(ctx);
      return opts.json ? JSON.stringify(report, null, opts.watch ? undefined : 2) : formatStatus(report, file);
    };
    if (!opts.watch) {
      out.log(await render());
      return EXIT_OK;
    }
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    opts.signal?.addEventListener('abort', onSignal, { once: true });
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const tty = opts.tty ?? Boolean(process.stdout.isTTY);
    try {
      while (!stop.signal.aborted) {
        const text = await render();
        // on a terminal: home + clear, then the new report (redrawn in place); elsewhere one report after another
        out.log(tty && !opts.json ? `\x1b[H\x1b[2J${text}\n\n(refreshing every ${opts.interval ?? '2s'}; Ctrl-C to stop)` : text);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, intervalMs);
          stop.signal.addEventListener(
            'abort',
            () => {
              clearTimeout(t);
              resolve();
            },
            { once: true },
          );
        });
      }
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    return EXIT_OK;
  });
}
