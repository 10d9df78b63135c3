import { Cluster, Redis, type RedisOptions } from 'ioredis';
import path from 'node:path';
import { loadRunnablePipeline } from '../worker/preflight.ts';
import type { PipelineConfig } from '../config/types.ts';
import { createDocumentMachine, type DocumentMachine } from '../state/machine.ts';
import { Keys } from '../streams/keys.ts';
import type { RedisClient } from '../streams/redis.ts';
import { defineScripts } from '../streams/scripts.ts';

/** What every operator command works on: the pipeline, its key names, a Redis connection. */
export interface OpsContext {
  config: PipelineConfig;
  keys: Keys;
  machine: DocumentMachine;
  redis: RedisClient;
  /** The last connection error (ECONNREFUSED, NOAUTH…), for a clear message when a command fails. */
  redisError(): string | undefined;
}

/** The pipeline file an operator command uses when none is given. */
export const DEFAULT_PIPELINE = 'pipeline.yaml';

export function pipelinePath(file: string | undefined): string {
  return path.resolve(file ?? DEFAULT_PIPELINE);
}

/**
 * A connection for operator commands: unlike the workers' (which wait through outages), it fails
 * fast, so `docpipe status` against a Redis that is down says so instead of hanging.
 */
export function connectOpsRedis(config: PipelineConfig): RedisClient {
  const options: RedisOptions = {
    maxRetriesPerRequest: 1,
    connectTimeout: 5_000,
    enableOfflineQueue: true,
    connectionName: 'docpipe:ops',
    retryStrategy: (times) => (times > 2 ? null : 200),
  };
  let client: RedisClient;
  if (config.redis.cluster) {
    const seeds = Array.isArray(config.redis.cluster) ? config.redis.cluster : [config.redis.url];
    const auth = new URL(config.redis.url);
    client = new Cluster(
      seeds.map((u) => ({ host: new URL(u).hostname, port: Number(new URL(u).port || 6379) })),
      {
        redisOptions: {
          ...options,
          username: auth.username || undefined,
          password: auth.password ? decodeURIComponent(auth.password) : undefined,
          tls: auth.protocol === 'rediss:' ? {} : undefined,
        },
      },
    );
  } else {
    client = new Redis(config.redis.url, options);
  }
  client.on('error', () => undefined); // reported by the failing command instead
  defineScripts(client);
  return client;
}

export function openOps(file: string | undefined, env: NodeJS.ProcessEnv = process.env): OpsContext {
  const config = loadRunnablePipeline(pipelinePath(file), env);
  const redis = connectOpsRedis(config);
  let lastError: string | undefined;
  redis.on('error', (err: Error) => (lastError = err.message));
  redis.on('ready', () => (lastError = undefined));
  return {
    config,
    keys: new Keys(config.prefix),
    machine: createDocumentMachine(config.stages.map((s) => s.name)),
    redis,
    redisError: () => lastError,
  };
}

export async function closeOps(ctx: OpsContext): Promise<void> {
  await ctx.redis.quit().catch(() => ctx.redis.disconnect());
}

/** XINFO-style flat reply `[k1, v1, k2, v2, …]` to a map. */
export function infoMap(list: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!Array.isArray(list)) return out;
  for (let i = 0; i + 1 < list.length; i += 2) out[String(list[i])] = list[i + 1];
  return out;
}

/** Escapes glob characters of a key prefix for SCAN MATCH. */
export function globEscape(s: string): string {
  return s.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

/** SCAN over every master (one node, or each node of a cluster), yielding batches of keys. */
export async function* scanKeys(redis: RedisClient, match: string, count = 1000): AsyncGenerator<string[]> {
  const nodes: Redis[] = redis instanceof Cluster ? redis.nodes('master') : [redis];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', match, 'COUNT', count);
      cursor = next;
      if (keys.length) yield keys;
    } while (cursor !== '0');
  }
}
