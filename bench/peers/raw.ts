import path from 'node:path';
import { startWorker, type WorkerProcess } from '../lib/child.ts';
import { docFields, type BenchDoc } from '../lib/messages.ts';
import { RAW } from './raw-keys.ts';
import { field, followStream, groupStarted } from './streams.ts';
import type { Mode, Peer, PeerContext, Watcher } from './types.ts';

/** The hand-written ioredis Streams chain (peers/raw-worker.ts): the near-limit baseline. */
export class RawPeer implements Peer {
  readonly name = 'raw' as const;
  readonly settings: string;

  constructor(
    private readonly ctx: PeerContext,
    private readonly batch: number,
  ) {
    this.settings = `ioredis Streams chain, 6 stages in one process, XREADGROUP COUNT ${batch}, one pipeline (HSET+XADD+XACK per entry) per batch`;
  }

  async preload(docs: readonly BenchDoc[]): Promise<void> {
    for (let i = 0; i < docs.length; i += 1000) {
      const p = this.ctx.redis.pipeline();
      for (const d of docs.slice(i, i + 1000)) this.enqueue(p, d);
      await p.exec();
    }
  }

  private enqueue(p: ReturnType<PeerContext['redis']['pipeline']>, d: BenchDoc): void {
    p.hset(RAW.doc(d.document_uuid), 'state', 's1.queued');
    p.xadd(RAW.stream(0), '*', ...docFields(d));
  }

  spawn(_mode: Mode): WorkerProcess {
    return startWorker(
      ['--import', 'tsx', path.join('bench/peers/raw-worker.ts'), this.ctx.redisUrl, '6', String(this.batch)],
      {},
      this.ctx.repoRoot,
    );
  }

  started(): Promise<boolean> {
    return groupStarted(this.ctx.redis, RAW.stream(0), RAW.group);
  }

  completed(): Promise<number> {
    return this.ctx.redis.xlen(RAW.completed);
  }

  async send(doc: BenchDoc): Promise<void> {
    const p = this.ctx.redis.pipeline();
    this.enqueue(p, doc);
    await p.exec();
  }

  watch(onArrival: (uuid: string) => void): Watcher {
    return followStream(this.ctx.redisUrl, RAW.completed, (f) => {
      const uuid = field(f, 'document_uuid');
      if (uuid) onArrival(uuid);
    });
  }

  async verify(n: number): Promise<string[]> {
    const done = await this.completed();
    return done === n ? [] : [`${done} entries on the completed stream, expected ${n}`];
  }

  async close(): Promise<void> {}
}
