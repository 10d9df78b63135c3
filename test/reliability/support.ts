/**
 * Shared helpers of the reliability suite: stream and group figures read straight from Redis.
 */
import type { Redis } from 'ioredis';
import { sleep } from '../../src/util/sleep.ts';

export type FieldMap = Record<string, string>;

export function toMap(list: readonly string[]): FieldMap {
  const out: FieldMap = {};
  for (let i = 0; i + 1 < list.length; i += 2) out[list[i]!] = list[i + 1]!;
  return out;
}

export async function streamEntries(redis: Redis, stream: string): Promise<Array<{ id: string; fields: FieldMap }>> {
  const out: Array<{ id: string; fields: FieldMap }> = [];
  let start = '-';
  for (;;) {
    const page = await redis.xrange(stream, start, '+', 'COUNT', 5000);
    for (const [id, f] of page) out.push({ id, fields: toMap(f) });
    if (page.length < 5000) return out;
    start = `(${page[page.length - 1]![0]}`;
  }
}

/** Pending (delivered, unacknowledged) entries of a group; 0 when the stream or group does not exist. */
export async function pendingCount(redis: Redis, stream: string, group: string): Promise<number> {
  try {
    const [count] = (await redis.xpending(stream, group)) as [number];
    return Number(count);
  } catch {
    return 0;
  }
}

/** XINFO GROUPS as maps. */
export async function groupInfo(redis: Redis, stream: string): Promise<FieldMap[]> {
  try {
    const groups = (await redis.xinfo('GROUPS', stream)) as unknown[][];
    return groups.map((g) => toMap(g.map((v) => String(v))));
  } catch {
    return [];
  }
}

export async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? NaN);
}

export function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** A timer that does not keep the process alive (for races against a bound). */
export function deadline(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}

/** Polls `check` every `everyMs` until it returns true or `limitMs` passes; returns whether it did. */
export async function eventually(check: () => Promise<boolean>, limitMs: number, everyMs = 250): Promise<boolean> {
  const until = Date.now() + limitMs;
  while (Date.now() < until) {
    if (await check()) return true;
    await sleep(everyMs);
  }
  return check();
}

export interface RedisServer {
  port: number;
  stop(): Promise<void>;
  output(): string;
}

/** Starts a redis-server with extra arguments (TLS, requirepass…) on a free port; resolves once it accepts connections. */
export async function startRedisServer(args: (port: number) => string[], dir: string): Promise<RedisServer> {
  const { spawn } = await import('node:child_process');
  const { freePort } = await import('../helpers/redis.ts');
  const port = await freePort();
  const proc = spawn(
    'redis-server',
    ['--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--daemonize', 'no', ...args(port)],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const ok = await eventually(async () => out.includes('Ready to accept connections') || proc.exitCode !== null, 10_000, 50);
  if (!ok || proc.exitCode !== null) throw new Error(`redis-server did not start:\n${out}`);
  return {
    port,
    output: () => out,
    async stop() {
      if (proc.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      });
    },
  };
}
