import type { StageConfig } from '../config/types.ts';
import { infoMap } from './entries.ts';
import type { Keys } from './keys.ts';
import type { RedisClient } from './redis.ts';

/** The consumers among `names` whose liveness key exists (one pipelined EXISTS per consumer). */
export async function liveConsumers(redis: RedisClient, keys: Keys, stage: string, names: readonly string[]): Promise<Set<string>> {
  if (names.length === 0) return new Set();
  const pipe = redis.pipeline();
  for (const n of names) pipe.exists(keys.consumerAlive(stage, n));
  const replies = (await pipe.exec()) ?? [];
  return new Set(names.filter((_, i) => Number(replies[i]?.[1] ?? 0) > 0));
}

/**
 * Removes consumers of a stage's group that have no liveness key, have been idle longer than
 * `idleMs` and own no pending entry (a dead host's consumers, after their entries were reclaimed),
 * so XINFO does not grow without bound. XINFO's idle alone would also remove quiet live workers
 * on Redis before 7.2; the liveness key is what tells them apart.
 */
export async function pruneDeadConsumers(
  redis: RedisClient,
  keys: Keys,
  stage: StageConfig,
  self: string,
  idleMs: number,
): Promise<string[]> {
  const rows = (await redis.xinfo('CONSUMERS', stage.stream, stage.group)) as unknown[][];
  const alive = await liveConsumers(
    redis,
    keys,
    stage.name,
    rows.map((r) => String(infoMap(r)['name'])),
  );
  const removed: string[] = [];
  for (const row of rows) {
    const info = infoMap(row);
    const name = String(info['name']);
    if (name === self || alive.has(name) || Number(info['pending'] ?? 0) > 0 || Number(info['idle'] ?? 0) < idleMs) continue;
    // DELCONSUMER would drop the consumer's pending entries: check once more right before it
    const owned = (await redis.xpending(stage.stream, stage.group, '-', '+', 1, name)) as unknown[];
    if (owned.length > 0) continue;
    await redis.xgroup('DELCONSUMER', stage.stream, stage.group, name);
    removed.push(name);
  }
  return removed;
}
