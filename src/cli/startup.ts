/**
 * The start-up path of `docpipe-run`: what it opened is closed again, newest first, whether a later
 * start-up step fails or the run ends; and Redis is waited for with a bounded, logged backoff.
 */
import path from 'node:path';
import type { Logger } from 'pino';
import { InfrastructureError } from '../errors.ts';
import { redactUrl } from '../log/logger.ts';
import type { RedisClient } from '../streams/redis.ts';

/** A stack of things to close: `closeAll` closes them in reverse order of opening, each once. */
export class OpenedResources {
  private readonly stack: Array<{ what: string; close: () => Promise<void> }> = [];

  constructor(private readonly log: Logger) {}

  add(what: string, close: () => Promise<void>): void {
    this.stack.push({ what, close });
  }

  /** Closes everything still open; a failing close is logged and the others still run. */
  async closeAll(): Promise<void> {
    for (let item = this.stack.pop(); item; item = this.stack.pop()) {
      try {
        await item.close();
      } catch (err) {
        this.log.warn({ err: (err as Error).message, what: item.what }, 'closing failed');
      }
    }
  }
}

/** Attempts to reach Redis at start-up: `--redis-retries`, else DOCPIPE_REDIS_RETRIES, else 10 (about 40 s). */
export function redisRetries(option: string | undefined, env: NodeJS.ProcessEnv = process.env): number {
  const raw = option ?? env['DOCPIPE_REDIS_RETRIES'] ?? '10';
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--redis-retries must be a whole number of attempts >= 1, got "${raw}"`);
  return n;
}

/** A wrong command line: exit 2, like a configuration error. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * Pings Redis up to `attempts` times with a doubling delay (0.5 s up to 5 s), logging each miss as
 * "waiting for Redis at redis://…, attempt 3/10"; then throws DP_ERR_REDIS_UNAVAILABLE. Once
 * running, workers ride out outages without a limit: this bound applies to start-up only.
 */
export async function waitForRedis(redis: RedisClient, url: string, log: Logger, attempts: number, firstDelayMs = 500): Promise<void> {
  let delay = firstDelayMs;
  let last = 'no answer';
  const onError = (err: Error) => (last = err.message); // ECONNREFUSED, WRONGPASS…: said in the final message
  redis.on('error', onError);
  try {
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const ping = redis.ping();
      ping.catch(() => {}); // a ping still queued when the connection is closed rejects: nobody waits for it any more
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), delay)));
      try {
        if ((await Promise.race([ping, timeout])) !== 'timeout') return;
      } catch (err) {
        last = (err as Error).message;
      } finally {
        clearTimeout(timer);
      }
      if (attempt < attempts)
        log.warn({ attempt, attempts, retry_in_ms: delay }, `waiting for Redis at ${redactUrl(url)}, attempt ${attempt}/${attempts}`);
      delay = Math.min(delay * 2, 5_000);
    }
  } finally {
    redis.off('error', onError);
  }
  throw new InfrastructureError(
    `cannot reach Redis at ${redactUrl(url)} after ${attempts} attempts (${last}); set --redis-retries or DOCPIPE_REDIS_RETRIES to wait longer`,
    { code: 'DP_ERR_REDIS_UNAVAILABLE' },
  );
}

/**
 * The paths given to `--input` are readable by the stages of this run; they are also remembered in
 * Redis (`<prefix>:input-roots`), so a later run without `--input` can still read those documents
 * when they are redriven. Returns every remembered path.
 */
export async function rememberInputRoots(redis: RedisClient, key: string, inputs: readonly string[] | undefined): Promise<string[]> {
  // a hash (path -> when given) rather than a set: HSET/HGETALL are in the runner's documented ACL
  const given = (inputs ?? []).map((p) => path.resolve(p));
  if (given.length) await redis.hset(key, Object.fromEntries(given.map((p) => [p, String(Date.now())])));
  return Object.keys(await redis.hgetall(key));
}
