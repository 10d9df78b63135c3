import { Redis } from 'ioredis';
import type { Watcher } from './types.ts';

/** True once `group` has delivered something from `stream` (the workers have started). */
export async function groupStarted(redis: Redis, stream: string, group: string): Promise<boolean> {
  let groups: unknown[];
  try {
    groups = (await redis.xinfo('GROUPS', stream)) as unknown[];
  } catch {
    return false;
  }
  for (const g of groups as unknown[][]) {
    const info: Record<string, unknown> = {};
    for (let i = 0; i + 1 < g.length; i += 2) info[String(g[i])] = g[i + 1];
    if (info['name'] === group) return info['last-delivered-id'] !== '0-0';
  }
  return false;
}

/** Follows a stream with XREAD BLOCK on its own connection; calls `onEntry` with each entry's fields. */
export function followStream(url: string, stream: string, onEntry: (fields: string[]) => void): Watcher {
  const conn = new Redis(url, { maxRetriesPerRequest: null });
  let stopped = false;
  const loop = (async () => {
    const last = (await conn.xrevrange(stream, '+', '-', 'COUNT', 1))[0];
    let cursor = last ? last[0] : '0-0';
    while (!stopped) {
      const reply = (await conn.xread('COUNT', 1000, 'BLOCK', 200, 'STREAMS', stream, cursor)) as Array<
        [string, Array<[string, string[]]>]
      > | null;
      for (const [id, fields] of reply?.[0]?.[1] ?? []) {
        cursor = id;
        onEntry(fields);
      }
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop.catch(() => undefined);
      conn.disconnect();
    },
  };
}

export function field(fields: readonly string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}
