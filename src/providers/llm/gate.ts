/**
 * The shared back-off gate of one LLM client (one per process): when the server says 429, or its
 * `x-ratelimit-remaining-*` headers reach zero, the gate closes until the server's reset time and
 * every request waits at the gate, outside the concurrency slots, instead of each backing off alone.
 */
import { sleep } from '../../util/sleep.ts';

/** A duration from rate-limit headers: `retry-after-ms`, `retry-after` (seconds or an HTTP date), `x-ratelimit-reset-*` ("1s", "6m0s", "20ms"). */
export function parseResetDuration(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v) * 1000;
  const parts = [...v.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)];
  if (parts.length && parts.map((p) => p[0]).join('') === v) {
    const unit: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
    return parts.reduce((sum, p) => sum + Number(p[1]) * (unit[p[2]!] ?? 0), 0);
  }
  const date = Date.parse(v);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

interface HeaderSource {
  get(name: string): string | null;
}

/**
 * How long the server asks us to hold off. On a 429: `retry-after-ms`, `retry-after`, else the
 * longest `x-ratelimit-reset-*`. On any answer: the reset of a budget whose remaining count is 0.
 */
export function holdOffMs(headers: HeaderSource | undefined, rateLimited: boolean): number | undefined {
  if (!headers) return undefined;
  const resetOf = (kind: 'requests' | 'tokens') => parseResetDuration(headers.get(`x-ratelimit-reset-${kind}`));
  if (rateLimited) {
    const ms = headers.get('retry-after-ms')?.trim();
    if (ms && /^\d+(\.\d+)?$/.test(ms)) return Number(ms);
    const after = parseResetDuration(headers.get('retry-after'));
    if (after !== undefined) return after;
    const resets = [resetOf('requests'), resetOf('tokens')].filter((x): x is number => x !== undefined);
    return resets.length ? Math.max(...resets) : undefined;
  }
  const exhausted = (['requests', 'tokens'] as const).filter((k) => headers.get(`x-ratelimit-remaining-${k}`)?.trim() === '0');
  const resets = exhausted.map(resetOf).filter((x): x is number => x !== undefined);
  return resets.length ? Math.max(...resets) : undefined;
}

export interface BackoffGate {
  /** Resolves when the gate is open (at once when it is); rejects when `signal` aborts. */
  wait(signal?: AbortSignal): Promise<void>;
  /** Keeps the gate closed for at least `ms` from now (a later reopening time wins). */
  closeFor(ms: number): void;
  /** When the gate reopens (ms since epoch); 0 or a past time when open. */
  readonly openAt: number;
  /** How many times the gate was closed. */
  readonly closures: number;
}

export function createBackoffGate(now: () => number = Date.now): BackoffGate {
  let openAt = 0;
  let closures = 0;
  return {
    get openAt() {
      return openAt;
    },
    get closures() {
      return closures;
    },
    closeFor(ms) {
      const until = now() + Math.max(0, ms);
      if (until > openAt) {
        if (openAt <= now()) closures++;
        openAt = until;
      }
    },
    async wait(signal) {
      // the gate may be closed again while we sleep: wait until it is open when we wake
      while (openAt > now()) {
        signal?.throwIfAborted();
        await sleep(openAt - now(), signal);
        signal?.throwIfAborted();
      }
    },
  };
}
