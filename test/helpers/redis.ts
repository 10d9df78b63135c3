import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';

export const TEST_REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

export function uniquePrefix(label: string): string {
  return `dptest-${label}-${randomBytes(4).toString('hex')}`;
}

/** Deletes every key under a test prefix. */
export async function dropPrefix(url: string, prefix: string): Promise<void> {
  const r = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await r.del(...keys);
    } while (cursor !== '0');
  } finally {
    r.disconnect();
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** A redis-server of the test's own (AOF everysec when asked), on a free loopback port. */
export class OwnRedis {
  readonly port: number;
  readonly dir: string;
  private proc: ChildProcess | undefined;
  private readonly aof: boolean;

  private constructor(port: number, dir: string, aof: boolean) {
    this.port = port;
    this.dir = dir;
    this.aof = aof;
  }

  static async start(options: { aof?: boolean } = {}): Promise<OwnRedis> {
    const r = new OwnRedis(await freePort(), mkdtempSync(path.join(tmpdir(), 'dp-redis-')), options.aof ?? false);
    await r.spawn();
    return r;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  private async spawn(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--save', '', '--daemonize', 'no'];
    args.push('--appendonly', this.aof ? 'yes' : 'no');
    if (this.aof) args.push('--appendfsync', 'everysec');
    this.proc = spawn('redis-server', args, { stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      const c = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      c.on('error', () => {});
      try {
        await c.connect();
        await c.ping();
        c.disconnect();
        return;
      } catch {
        c.disconnect();
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    throw new Error('redis-server did not start');
  }

  /** Stops the server (SIGTERM: with AOF it flushes first) and starts it again on the same port and data. */
  async restart(downMs = 500): Promise<void> {
    await this.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, downMs));
    await this.spawn();
  }

  async kill(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill(signal);
    });
  }

  async stop(): Promise<void> {
    await this.kill('SIGTERM');
    rmSync(this.dir, { recursive: true, force: true });
  }
}
