import type { RetryPolicy } from '../config/types.ts';

/**
 * Delay before attempt `attempt + 1` after attempt `attempt` failed: `delay * 2^(attempt-1)`
 * (exponential) or `delay` (fixed), capped at `maxDelay`; with jitter, uniformly between 50% and
 * 100% of that (so retries of many documents do not arrive together).
 */
export function retryDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const base = policy.backoff === 'fixed' ? policy.delayMs : policy.delayMs * 2 ** Math.max(0, attempt - 1);
  const capped = Math.min(base, policy.maxDelayMs);
  return Math.round(policy.jitter ? capped * (0.5 + random() * 0.5) : capped);
}

/** Backoff for infrastructure outages (Redis/Postgres away): 250ms doubling to 10s. */
export function outageDelay(failures: number): number {
  return Math.min(250 * 2 ** Math.max(0, failures - 1), 10_000);
}
