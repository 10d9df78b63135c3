import type { PipelineConfig } from '../config/types.ts';
import { infoMap } from './entries.ts';
import type { RedisClient } from './redis.ts';

/** Entries looked at per trim of the completed stream beyond its `max_length`. */
const TRIM_PAGE = 10_000;

/**
 * Trims a stream below the oldest entry some group has not acknowledged (XTRIM MINID): entries
 * still unread or pending in any group are never deleted. Returns the number of entries removed.
 */
export async function trimStream(redis: RedisClient, stream: string): Promise<number> {
  const minId = await safeTrimPoint(redis, stream);
  if (!minId) return 0;
  return Number(await redis.xtrim(stream, 'MINID', minId));
}

/**
 * Trims the completed stream (DESIGN §6): acknowledged entries stay for `completed.retention`
 * (and, with `completed.max_length`, only the newest that many), so a consumer deployed later can
 * replay the window from `0`; an entry some group has not acknowledged is never removed.
 * Returns the number of entries removed.
 */
export async function trimCompletedStream(redis: RedisClient, completed: PipelineConfig['completed']): Promise<number> {
  const { stream, retentionMs, maxLength } = completed;
  const safe = await safeTrimPoint(redis, stream);
  if (!safe) return 0;
  // entry ids carry Redis' clock: compare with Redis' time, not this host's
  const [sec, micros] = await redis.time();
  let keepFrom = `${Math.max(0, Number(sec) * 1000 + Math.floor(Number(micros) / 1000) - retentionMs)}-0`;
  if (maxLength !== undefined) {
    const excess = (await redis.xlen(stream)) - maxLength;
    if (excess > 0) {
      // the entries over the cap (at most a bounded page per call: a later trim takes the rest)
      const over = await redis.xrange(stream, '-', '+', 'COUNT', Math.min(excess, TRIM_PAGE));
      const last = over[over.length - 1];
      if (last && compareIds(successor(last[0]), keepFrom) > 0) keepFrom = successor(last[0]);
    }
  }
  const minId = compareIds(safe, keepFrom) < 0 ? safe : keepFrom;
  return Number(await redis.xtrim(stream, 'MINID', minId));
}

/** The oldest entry id some group of `stream` still needs (undefined: no stream, or nobody reads it). */
export async function safeTrimPoint(redis: RedisClient, stream: string): Promise<string | undefined> {
  let groups: unknown[];
  try {
    groups = (await redis.xinfo('GROUPS', stream)) as unknown[];
  } catch {
    return undefined; // no such stream
  }
  if (groups.length === 0) return undefined; // nobody reads it yet: keep everything
  let floor: string | undefined;
  for (const g of groups) {
    const info = infoMap(g as unknown[]);
    const name = String(info['name']);
    const pending = Number(info['pending'] ?? 0);
    let point: string;
    if (pending > 0) {
      const summary = (await redis.xpending(stream, name)) as [number, string | null, string | null, unknown];
      point = summary[1] ?? String(info['last-delivered-id']);
    } else {
      point = successor(String(info['last-delivered-id'] ?? '0-0'));
    }
    if (!floor || compareIds(point, floor) < 0) floor = point;
  }
  return floor;
}

export function compareIds(a: string, b: string): number {
  const [am = 0n, as = 0n] = a.split('-').map((x) => BigInt(x));
  const [bm = 0n, bs = 0n] = b.split('-').map((x) => BigInt(x));
  return am < bm ? -1 : am > bm ? 1 : as < bs ? -1 : as > bs ? 1 : 0;
}

function successor(id: string): string {
  const [ms = '0', seq = '0'] = id.split('-');
  return `${ms}-${BigInt(seq) + 1n}`;
}
