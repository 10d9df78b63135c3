/**
 * A worker thread answering requests: each request carries an id, each reply `{ id, ... }` or
 * `{ id, error: { name, message, code? } }`. Any thread error or exit rejects what is pending and
 * marks the thread dead (a ResourcePool then replaces it). The thread holds the process open only
 * while a request is pending.
 */
import { Worker } from 'node:worker_threads';
import { ResourcePool, type PoolResource } from './pool.ts';

export interface ThreadError {
  name: string;
  message: string;
  code?: string;
}

interface Pending {
  resolve(reply: Record<string, unknown>): void;
  reject(err: Error): void;
}

export class RequestThread implements PoolResource {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  dead = false;

  constructor(
    url: URL,
    /** `what` names the thread in errors: "render thread", "text thread". */
    private readonly what: string,
    private readonly toError: (e: ThreadError) => Error,
  ) {
    this.worker = new Worker(url, { execArgv: [], stdout: false, stderr: false });
    this.worker.unref();
    this.worker.on('message', (msg: { id: number; error?: ThreadError }) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (this.pending.size === 0) this.worker.unref();
      if (msg.error) p.reject(this.toError(msg.error));
      else p.resolve(msg as unknown as Record<string, unknown>);
    });
    const fail = (err: Error) => {
      this.dead = true;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    this.worker.on('error', (err) => fail(new Error(`${what} failed: ${err.message}`)));
    this.worker.on('exit', (code) => fail(new Error(`${what} exited (code ${code})`)));
  }

  request<T>(msg: Record<string, unknown>): Promise<T> {
    if (this.dead) return Promise.reject(new Error(`${this.what} is dead`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (r: Record<string, unknown>) => void, reject });
      this.worker.ref();
      this.worker.postMessage({ ...msg, id });
    });
  }

  /** A message that needs no reply (cache eviction). */
  post(msg: Record<string, unknown>): void {
    if (!this.dead) this.worker.postMessage(msg);
  }

  async close(): Promise<void> {
    this.dead = true;
    await this.worker.terminate();
  }
}

/**
 * A fixed number of request threads running one worker module (render-worker.mjs, text-worker.mjs):
 * a request goes to a free thread; `forget` drops a document from every live thread's cache.
 */
export class ThreadPool {
  private readonly pool: ResourcePool<RequestThread>;
  private readonly threads = new Set<RequestThread>();

  constructor(size: number, url: URL, what: string, toError: (e: ThreadError) => Error) {
    this.pool = new ResourcePool(size, async () => {
      const t = new RequestThread(url, what, toError);
      this.threads.add(t);
      return t;
    });
  }

  request<T>(msg: Record<string, unknown>, signal?: AbortSignal): Promise<T> {
    return this.pool.run((t) => t.request<T>(msg), signal);
  }

  /** Drops a document from every thread's cache. */
  forget(key: string): void {
    for (const t of this.threads) {
      if (t.dead) this.threads.delete(t);
      else t.post({ forget: key });
    }
  }

  async close(): Promise<void> {
    this.threads.clear();
    await this.pool.close();
  }
}
