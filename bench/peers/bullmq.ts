import { Queue } from 'bullmq';
import { startWorker, type WorkerProcess } from '../lib/child.ts';
import type { BenchDoc } from '../lib/messages.ts';
import { BULL } from './bullmq-keys.ts';
import { field, followStream } from './streams.ts';
import type { Mode, Peer, PeerContext, Watcher } from './types.ts';

/** BullMQ 6 (peers/bullmq-worker.ts): six queues, each worker adding the job to the next queue. */
export class BullmqPeer implements Peer {
  readonly name = 'bullmq' as const;
  readonly settings: string;
  private readonly first: Queue;
  private preloaded = 0;

  constructor(
    private readonly ctx: PeerContext,
    private readonly concurrency: number,
  ) {
    const u = new URL(ctx.redisUrl);
    this.first = new Queue(BULL.queue(0), {
      connection: { host: u.hostname, port: Number(u.port), maxRetriesPerRequest: null },
      prefix: BULL.prefix,
    });
    this.settings = `BullMQ 6.7.0, 6 workers in one process, concurrency ${concurrency} each (the same as docpipe's; a sweep of 10/50/100/200 gave the same CPU per document and docs/s within noise), removeOnComplete (keeping completed jobs is slower)`;
  }

  private key(queue: string, kind: string): string {
    return `${BULL.prefix}:${queue}:${kind}`;
  }

  async preload(docs: readonly BenchDoc[]): Promise<void> {
    for (let i = 0; i < docs.length; i += 1000) {
      await this.first.addBulk(docs.slice(i, i + 1000).map((d) => ({ name: 'doc', data: { ...d }, opts: BULL.jobOpts })));
    }
    this.preloaded = docs.length;
  }

  spawn(_mode: Mode): WorkerProcess {
    return startWorker(
      ['--import', 'tsx', 'bench/peers/bullmq-worker.ts', this.ctx.redisUrl, String(this.concurrency)],
      {},
      this.ctx.repoRoot,
    );
  }

  async started(): Promise<boolean> {
    const [waiting, active] = await Promise.all([
      this.ctx.redis.llen(this.key(BULL.queue(0), 'wait')),
      this.ctx.redis.llen(this.key(BULL.queue(0), 'active')),
    ]);
    return active > 0 || waiting < this.preloaded;
  }

  completed(): Promise<number> {
    return this.ctx.redis.llen(this.key(BULL.done, 'wait'));
  }

  async send(doc: BenchDoc): Promise<void> {
    await this.first.add('doc', { ...doc }, BULL.jobOpts);
  }

  watch(onArrival: (uuid: string) => void): Watcher {
    return followStream(this.ctx.redisUrl, this.key(BULL.done, 'events'), (f) => {
      if (field(f, 'event') !== 'waiting') return;
      const id = field(f, 'jobId');
      if (id) onArrival(id);
    });
  }

  async verify(n: number): Promise<string[]> {
    const problems: string[] = [];
    const done = await this.completed();
    if (done !== n) problems.push(`${done} jobs in the final queue, expected ${n}`);
    for (let i = 0; i < 6; i++) {
      const failed = await this.ctx.redis.zcard(this.key(BULL.queue(i), 'failed'));
      if (failed) problems.push(`${failed} failed jobs in queue ${BULL.queue(i)}`);
    }
    return problems;
  }

  async close(): Promise<void> {
    await this.first.close();
  }
}
