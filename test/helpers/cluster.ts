import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './redis.ts';

/** A real local Redis Cluster: three masters and three replicas on loopback ports, made by the test. */
export class LocalCluster {
  readonly ports: number[];
  private readonly dir: string;
  private readonly procs = new Map<number, ChildProcess>();

  private constructor(ports: number[], dir: string) {
    this.ports = ports;
    this.dir = dir;
  }

  static async start(nodes = 6): Promise<LocalCluster> {
    const ports: number[] = [];
    while (ports.length < nodes) {
      const p = await freePort();
      if (p < 55000 && !ports.includes(p)) ports.push(p); // the cluster bus uses port + 10000
    }
    const c = new LocalCluster(ports, mkdtempSync(path.join(tmpdir(), 'dp-cluster-')));
    for (const p of ports) c.spawnNode(p);
    for (const p of ports) await c.ping(p);
    execFileSync('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '1', '--cluster-yes'], {
      stdio: 'ignore',
    });
    await c.waitHealthy();
    await c.waitReplicasSynced();
    return c;
  }

  /** A replica that never finished its first sync cannot take over: wait for every link to be up. */
  async waitReplicasSynced(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      let synced = 0;
      for (const p of this.livePorts()) {
        const r = new Redis(p, '127.0.0.1', { maxRetriesPerRequest: 0, retryStrategy: () => null });
        r.on('error', () => {});
        try {
          if (String(await r.info('replication')).includes('master_link_status:up')) synced++;
        } catch {
          // not up yet
        } finally {
          r.disconnect();
        }
      }
      if (synced >= this.ports.length / 2) return;
      await new Promise((res) => setTimeout(res, 200));
    }
    throw new Error('cluster replicas did not finish their first sync');
  }

  get url(): string {
    return `redis+cluster://${this.ports.map((p) => `127.0.0.1:${p}`).join(',')}`;
  }

  private spawnNode(port: number): void {
    const dir = path.join(this.dir, String(port));
    execFileSync('mkdir', ['-p', dir]);
    const proc = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        'nodes.conf',
        '--cluster-node-timeout',
        '1500',
        '--repl-diskless-sync-delay',
        '0',
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
        '--logfile',
        path.join(dir, 'redis.log'),
      ],
      { stdio: 'ignore' },
    );
    this.procs.set(port, proc);
  }

  private async ping(port: number): Promise<void> {
    for (let i = 0; i < 100; i++) {
      const r = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      r.on('error', () => {});
      try {
        await r.connect();
        await r.ping();
        r.disconnect();
        return;
      } catch {
        r.disconnect();
        await new Promise((res) => setTimeout(res, 50));
      }
    }
    throw new Error(`redis cluster node ${port} did not start`);
  }

  /** Waits until every live node reports cluster_state:ok. */
  async waitHealthy(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      let ok = true;
      for (const p of this.livePorts()) {
        const r = new Redis(p, '127.0.0.1', { maxRetriesPerRequest: 0, retryStrategy: () => null });
        r.on('error', () => {});
        try {
          const info = await r.cluster('INFO');
          if (!String(info).includes('cluster_state:ok')) ok = false;
        } catch {
          ok = false;
        } finally {
          r.disconnect();
        }
      }
      if (ok) return;
      await new Promise((res) => setTimeout(res, 200));
    }
    throw new Error('cluster did not become healthy');
  }

  livePorts(): number[] {
    return this.ports.filter((p) => {
      const proc = this.procs.get(p);
      return proc !== undefined && proc.exitCode === null && proc.signalCode === null;
    });
  }

  /** The port of the master serving a key's slot. */
  async masterOf(key: string): Promise<number> {
    const r = new Redis(this.livePorts()[0]!, '127.0.0.1');
    try {
      const slot = Number(await r.cluster('KEYSLOT', key));
      const slots = (await r.cluster('SLOTS')) as unknown as Array<[number, number, [string, number, ...unknown[]], ...unknown[]]>;
      const range = slots.find(([a, b]) => slot >= a && slot <= b)!;
      return Number(range[2][1]);
    } finally {
      r.disconnect();
    }
  }

  async kill(port: number): Promise<void> {
    const p = this.procs.get(port);
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGKILL');
    });
  }

  async stop(): Promise<void> {
    for (const p of this.ports) await this.kill(p);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
