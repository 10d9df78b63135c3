import type { StageConfig } from '../config/types.ts';
import { liveConsumers } from '../streams/broker.ts';
import type { RedisClient } from '../streams/redis.ts';
import { globEscape, infoMap, scanKeys, type OpsContext } from './connect.ts';
import { countersFrom, windowCounters, windowMinutes, type Counters } from './windows.ts';

export interface ConsumerStatus {
  name: string;
  pending: number;
  idle_ms: number;
  alive: boolean;
}

export interface StageStatus {
  stage: string;
  stream: string;
  group: string;
  dlq: string;
  /** Entries in the stream (acknowledged entries stay until trimmed). */
  length: number;
  /** Entries the group has not read yet. */
  lag: number;
  /** Entries read and not yet acknowledged (in flight, or left by a dead worker). */
  pending: number;
  /** Longest idle time among the oldest pending entries (null when nothing is pending). */
  oldest_pending_idle_ms: number | null;
  consumers: ConsumerStatus[];
  consumers_alive: number;
  /** Retries waiting for their backoff (sorted set), and when the next one is due. */
  scheduled_retries: number;
  next_retry_at: number | null;
  dlq_size: number;
  /** Counters since the prefix was first used. */
  total: Counters;
  last_minute: Counters;
  last_hour: Counters;
  /** Documents finished per minute over the last hour. */
  throughput_per_min: number;
  /** Mean handler time of successful runs over the last hour (null without any). */
  avg_duration_ms: number | null;
}

export interface StatusReport {
  pipeline: string;
  prefix: string;
  at: number;
  stages: StageStatus[];
  /** Documents by state (from the state mirror hashes). */
  documents: Record<string, number>;
  documents_total: number;
  completed_stream_length: number;
  illegal_transitions: number;
}

/** How many of the oldest pending entries are looked at for the idle time. */
const PENDING_SAMPLE = 1000;

/** Reads everything `docpipe status` shows; `documents: false` skips the key scan (documents by state). */
export async function collectStatus(ctx: OpsContext, now = Date.now(), options: { documents?: boolean } = {}): Promise<StatusReport> {
  const { config, keys, redis } = ctx;
  const stages: StageStatus[] = [];
  for (const stage of config.stages) stages.push(await stageStatus(ctx, stage, now));
  const documents = options.documents === false ? {} : await countDocumentStates(redis, keys.prefix, ctx.machine.states);
  return {
    pipeline: config.name,
    prefix: config.prefix,
    at: now,
    stages,
    documents,
    documents_total: Object.values(documents).reduce((a, b) => a + b, 0),
    completed_stream_length: await redis.xlen(keys.completed()),
    illegal_transitions: Number((await redis.get(keys.illegal())) ?? 0),
  };
}

async function stageStatus(ctx: OpsContext, stage: StageConfig, now: number): Promise<StageStatus> {
  const { redis, keys } = ctx;
  const group = await groupInfo(redis, stage.stream, stage.group);
  const length = await redis.xlen(stage.stream);
  const oldestIdle = group.pending > 0 ? await oldestPendingIdle(redis, stage.stream, stage.group) : null;
  // alive = its liveness key exists (XINFO idle is no guide before Redis 7.2: a quiet live worker's grows)
  const registered = await consumerInfo(redis, stage.stream, stage.group);
  const alive = await liveConsumers(
    redis,
    keys,
    stage.name,
    registered.map((c) => c.name),
  );
  const consumers = registered.map((c) => ({ ...c, alive: alive.has(c.name) }));
  const first = (await redis.call('ZRANGE', keys.retries(stage.name), 0, 0, 'WITHSCORES')) as string[];
  const minutes = windowMinutes(now, 60);
  const pipe = redis.pipeline();
  for (const m of minutes) pipe.hgetall(keys.statsMinute(stage.name, m));
  const replies = (await pipe.exec()) ?? [];
  const buckets = new Map(minutes.map((m, i) => [m, countersFrom(replies[i]?.[1] as Record<string, string> | undefined)]));
  const lastHour = windowCounters(now, 60, buckets);
  return {
    stage: stage.name,
    stream: stage.stream,
    group: stage.group,
    dlq: stage.dlq,
    length,
    lag: group.exists ? (group.lag ?? (await lagByRange(redis, stage.stream, group.lastDelivered))) : length,
    pending: group.pending,
    oldest_pending_idle_ms: oldestIdle,
    consumers,
    consumers_alive: consumers.filter((c) => c.alive).length,
    scheduled_retries: await redis.zcard(keys.retries(stage.name)),
    next_retry_at: first.length >= 2 ? Number(first[1]) : null,
    dlq_size: await redis.xlen(stage.dlq),
    total: countersFrom(await redis.hgetall(keys.stats(stage.name))),
    last_minute: windowCounters(now, 1, buckets),
    last_hour: lastHour,
    throughput_per_min: Math.round((lastHour.processed / 60) * 100) / 100,
    avg_duration_ms: lastHour.processed > 0 ? Math.round(lastHour.duration_ms / lastHour.processed) : null,
  };
}

interface GroupInfo {
  exists: boolean;
  lag: number | null;
  pending: number;
  lastDelivered: string;
}

async function groupInfo(redis: RedisClient, stream: string, group: string): Promise<GroupInfo> {
  let groups: unknown[];
  try {
    groups = (await redis.xinfo('GROUPS', stream)) as unknown[];
  } catch (err) {
    if (err instanceof Error && /no such key/i.test(err.message)) return { exists: false, lag: null, pending: 0, lastDelivered: '0-0' };
    throw err;
  }
  for (const g of groups) {
    const info = infoMap(g);
    if (info['name'] !== group) continue;
    const lag = info['lag'];
    return {
      exists: true,
      lag: lag === null || lag === undefined ? null : Number(lag),
      pending: Number(info['pending'] ?? 0),
      lastDelivered: String(info['last-delivered-id'] ?? '0-0'),
    };
  }
  return { exists: false, lag: null, pending: 0, lastDelivered: '0-0' };
}

/** Lag when Redis cannot tell (before 7.0, or after deletions): entries after the last delivered id. */
async function lagByRange(redis: RedisClient, stream: string, lastDelivered: string): Promise<number> {
  const after = await redis.xrange(stream, `(${lastDelivered}`, '+');
  return after.length;
}

async function oldestPendingIdle(redis: RedisClient, stream: string, group: string): Promise<number | null> {
  const rows = (await redis.xpending(stream, group, '-', '+', PENDING_SAMPLE)) as Array<[string, string, number, number]>;
  if (rows.length === 0) return null;
  return Math.max(...rows.map((r) => Number(r[2])));
}

async function consumerInfo(redis: RedisClient, stream: string, group: string): Promise<Array<Omit<ConsumerStatus, 'alive'>>> {
  try {
    const list = (await redis.xinfo('CONSUMERS', stream, group)) as unknown[];
    return list.map((c) => {
      const info = infoMap(c);
      return { name: String(info['name']), pending: Number(info['pending'] ?? 0), idle_ms: Number(info['idle'] ?? 0) };
    });
  } catch (err) {
    if (err instanceof Error && /no such key|NOGROUP/i.test(err.message)) return [];
    throw err;
  }
}

/**
 * Counts documents by state: SCAN over the state mirror hashes (`<prefix>:doc:<uuid>`, not their
 * `:events` history streams) and one HGET each, pipelined per batch. Every known state is listed,
 * with 0 when no document is in it.
 */
export async function countDocumentStates(redis: RedisClient, prefix: string, states: readonly string[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = Object.fromEntries(states.map((s) => [s, 0]));
  for await (const batch of scanKeys(redis, `${globEscape(prefix)}:doc:*`)) {
    const docs = batch.filter((k) => !k.endsWith(':events') && !k.slice(prefix.length + 5).includes(':'));
    if (docs.length === 0) continue;
    const pipe = redis.pipeline();
    for (const k of docs) pipe.hget(k, 'state');
    for (const [err, state] of (await pipe.exec()) ?? []) {
      if (err || typeof state !== 'string') continue; // expired or not a hash meanwhile
      counts[state] = (counts[state] ?? 0) + 1;
    }
  }
  return counts;
}
