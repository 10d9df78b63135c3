import { DocpipeError } from '../errors.ts';
import { redactUrl } from '../log/logger.ts';
import { closeOps, openOps, type OpsContext } from '../ops/connect.ts';

export interface CommandOutput {
  log(message: string): void;
  error(message: string): void;
}

/** Exit codes of the operator commands. */
export const EXIT_OK = 0;
/** Something is wrong in the pipeline (unsafe setting, entry not found, Redis unreachable). */
export const EXIT_PROBLEM = 1;
/** The command line or the pipeline file is wrong. */
export const EXIT_USAGE = 2;
/** `docpipe-run --until-idle`: some documents of the run failed or were dead-lettered (or could not be submitted). */
export const EXIT_DOCUMENTS_FAILED = 3;

/** The exit code of an error that ended a command: 2 for configuration and usage errors, else 1. */
export function exitCodeOf(err: unknown): number {
  if (err instanceof DocpipeError && err.kind === 'config') return EXIT_USAGE;
  if (err instanceof Error && err.name === 'UsageError') return EXIT_USAGE;
  return EXIT_PROBLEM;
}

/**
 * Opens the pipeline and a Redis connection, runs `fn`, closes the connection. A bad pipeline
 * file or selection exits 2, any other failure (Redis down…) exits 1 with one clear line.
 */
export async function withOps(
  file: string | undefined,
  out: CommandOutput,
  what: string,
  fn: (ctx: OpsContext) => Promise<number>,
): Promise<number> {
  let ctx: OpsContext;
  try {
    ctx = openOps(file);
  } catch (err) {
    out.error(err instanceof DocpipeError ? err.message : `${what}: ${(err as Error).message}`);
    return EXIT_USAGE;
  }
  try {
    return await fn(ctx);
  } catch (err) {
    if (err instanceof DocpipeError && err.kind === 'config') {
      out.error(`${what}: ${err.message}`);
      return EXIT_USAGE;
    }
    const down = ctx.redisError();
    out.error(down ? `${what}: cannot reach Redis at ${redactUrl(ctx.config.redis.url)}: ${down}` : `${what}: ${(err as Error).message}`);
    return EXIT_PROBLEM;
  } finally {
    await closeOps(ctx);
  }
}

/**
 * Splits `[pipeline.yaml] <word> [rest…]` style arguments: the pipeline file is optional in front.
 * `isWord` recognises the first non-file argument (an action, a uuid).
 */
export function splitPipelineArg(args: readonly string[], isWord: (s: string) => boolean): { file: string | undefined; rest: string[] } {
  if (args.length > 0 && !isWord(args[0]!)) return { file: args[0], rest: args.slice(1) };
  return { file: undefined, rest: [...args] };
}
