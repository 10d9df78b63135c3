import { sleep } from '../../../util/sleep.ts';

/** Retries a call on transient failures with exponential backoff and full jitter; honours the signal. */
export interface BackoffOptions {
  retries: number;
  baseMs: number;
  maxMs: number;
  isTransient(err: unknown): boolean;
  signal?: AbortSignal;
  /** Called before each wait (logging, heartbeats). */
  onRetry?(err: unknown, attempt: number, delayMs: number): void | Promise<void>;
}

export async function withBackoff<T>(fn: () => Promise<T>, options: BackoffOptions): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    options.signal?.throwIfAborted();
    try {
      return await fn();
    } catch (err) {
      if (attempt >= options.retries || !options.isTransient(err)) throw err;
      const delay = Math.round(Math.random() * Math.min(options.maxMs, options.baseMs * 2 ** attempt));
      await options.onRetry?.(err, attempt + 1, delay);
      await sleep(delay, options.signal);
      options.signal?.throwIfAborted();
    }
  }
}
