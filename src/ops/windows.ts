/**
 * "Last minute / last hour" figures from the per-minute counter hashes (`<prefix>:stats:<stage>:m:<minute>`,
 * kept two hours). Pure: the caller reads the buckets, this module weighs them.
 *
 * A window of N minutes ending now covers the current (partial) clock minute, the N-1 minutes before
 * it, and the part of the minute before those that still falls inside the window: that oldest bucket
 * counts in proportion (events are taken as spread evenly over their minute). The result is rounded.
 */
const COUNTER_FIELDS = ['processed', 'retried', 'dead_lettered', 'skipped', 'duration_ms'] as const;
export type CounterField = (typeof COUNTER_FIELDS)[number];
export type Counters = Record<CounterField, number>;

export function emptyCounters(): Counters {
  return { processed: 0, retried: 0, dead_lettered: 0, skipped: 0, duration_ms: 0 };
}

export function countersFrom(hash: Readonly<Record<string, string>> | null | undefined): Counters {
  const c = emptyCounters();
  for (const f of COUNTER_FIELDS) {
    const v = Number(hash?.[f] ?? 0);
    c[f] = Number.isFinite(v) ? v : 0;
  }
  return c;
}

export function epochMinute(ms: number): number {
  return Math.floor(ms / 60_000);
}

/** The minute buckets a window of `minutes` ending at `now` touches, newest first. */
export function windowMinutes(now: number, minutes: number): number[] {
  const m = epochMinute(now);
  return Array.from({ length: minutes + 1 }, (_, i) => m - i);
}

/** Weighted sum of the buckets of a window of `minutes` ending at `now` (see the module comment). */
export function windowCounters(now: number, minutes: number, buckets: ReadonlyMap<number, Counters>): Counters {
  const m = epochMinute(now);
  const elapsed = (now - m * 60_000) / 60_000;
  const out = emptyCounters();
  for (const minute of windowMinutes(now, minutes)) {
    const b = buckets.get(minute);
    if (!b) continue;
    const weight = minute === m - minutes ? 1 - elapsed : 1;
    for (const f of COUNTER_FIELDS) out[f] += b[f] * weight;
  }
  for (const f of COUNTER_FIELDS) out[f] = Math.round(out[f]);
  return out;
}
