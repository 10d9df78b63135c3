import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import { redactUrl } from '../log/logger.ts';
import { defineScripts } from './scripts.ts';

export type RedisClient = Redis | Cluster;

export interface RedisSettings {
  url: string;
  cluster: boolean | readonly string[];
}

/**
 * Opens a connection that survives Redis going away: commands wait (no per-request retry limit)
 * while ioredis reconnects with capped backoff, and the outage is logged once, not per command.
 */
export function connectRedis(settings: RedisSettings, log: Logger, name: string, options_: { autoPipelining?: boolean } = {}): RedisClient {
  const options: RedisOptions = {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    connectionName: name,
    retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 8), 5000),
    reconnectOnError: (err) => err.message.startsWith('READONLY'),
    // commands issued in the same tick go out in one write (never on a connection used for BLOCK reads)
    enableAutoPipelining: options_.autoPipelining ?? false,
  };
  let client: RedisClient;
  const clusterUrl = settings.url.startsWith('redis+cluster://') || settings.url.startsWith('rediss+cluster://');
  if (settings.cluster || clusterUrl) {
    const seeds = Array.isArray(settings.cluster) ? settings.cluster : clusterSeeds(settings.url);
    client = new Cluster(
      seeds.map((u) => {
        const url = new URL(u);
        return { host: url.hostname, port: Number(url.port || 6379) };
      }),
      // reads that decide state always go to masters: never replicas
      {
        redisOptions: { ...options, ...urlAuth(seeds[0]!) },
        scaleReads: 'master',
        clusterRetryStrategy: options.retryStrategy,
        enableReadyCheck: true,
        enableAutoPipelining: options.enableAutoPipelining,
      },
    );
  } else {
    client = new Redis(settings.url, options);
  }
  let down = false;
  client.on('error', (err: Error) => {
    if (!down)
      log.warn({ err: err.message, redis: redactUrl(settings.url), connection: name }, 'redis unavailable; pausing until it returns');
    down = true;
  });
  client.on('ready', () => {
    if (down) log.info({ connection: name }, 'redis connection restored; resuming');
    down = false;
  });
  defineScripts(client);
  return client;
}

/** `redis+cluster://[user:pass@]host:port[,host:port…]` or a plain URL: the seed nodes. */
function clusterSeeds(url: string): string[] {
  const m = /^(rediss?)(?:\+cluster)?:\/\/(?:([^@]*)@)?([^/?]+)/.exec(url);
  if (!m) return [url];
  const scheme = m[1]!;
  const auth = m[2] ? `${m[2]}@` : '';
  return m[3]!.split(',').map((hostPort) => `${scheme}://${auth}${hostPort}`);
}

function urlAuth(url: string): Pick<RedisOptions, 'username' | 'password' | 'tls'> {
  const u = new URL(url);
  return {
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    tls: u.protocol === 'rediss:' ? {} : undefined,
  };
}

export function isNoGroupError(err: unknown): boolean {
  return err instanceof Error && err.message.startsWith('NOGROUP');
}
