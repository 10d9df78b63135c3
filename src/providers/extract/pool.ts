/**
 * A fixed-size pool of lazily created resources (worker threads): `run(fn)` waits for a free slot,
 * creates the slot's resource on first use, and replaces it when it reports itself dead.
 */
export interface PoolResource {
  /** True once the resource cannot be used again (its thread exited or crashed). */
  readonly dead: boolean;
  close(): Promise<void>;
}

export class ResourcePool<R extends PoolResource> {
  private readonly slots: Array<Promise<R> | undefined>;
  private readonly free: number[];
  private readonly waiters: Array<(slot: number) => void> = [];
  private closed = false;

  constructor(
    readonly size: number,
    private readonly create: () => Promise<R>,
  ) {
    this.slots = Array.from({ length: size }, () => undefined);
    this.free = Array.from({ length: size }, (_, i) => i);
  }

  async run<T>(fn: (resource: R) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const slot = await this.acquire(signal);
    try {
      const resource = await this.resource(slot);
      return await fn(resource);
    } finally {
      this.release(slot);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = this.slots.splice(0, this.slots.length, ...this.slots.map(() => undefined));
    await Promise.all(all.map((p) => p?.then((r) => r.close()).catch(() => {})));
  }

  private async resource(slot: number): Promise<R> {
    if (this.closed) throw new Error('the OCR pool is closed');
    let current = this.slots[slot];
    if (current) {
      const r = await current.catch(() => undefined);
      if (r && !r.dead) return r;
      if (r) await r.close().catch(() => {});
    }
    current = this.create();
    this.slots[slot] = current;
    current.catch(() => {
      if (this.slots[slot] === current) this.slots[slot] = undefined;
    });
    return current;
  }

  private acquire(signal?: AbortSignal): Promise<number> {
    signal?.throwIfAborted();
    const slot = this.free.shift();
    if (slot !== undefined) return Promise.resolve(slot);
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        const i = this.waiters.indexOf(take);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(signal?.reason ?? new Error('aborted'));
      };
      const take = (s: number) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(s);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(take);
    });
  }

  private release(slot: number): void {
    const next = this.waiters.shift();
    if (next) next(slot);
    else this.free.push(slot);
  }
}

/** Runs `fn` over `items` with at most `limit` in flight; the first failure stops new work and is thrown. */
export async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: unknown;
  const lane = async () => {
    while (failed === undefined && next < items.length) {
      const item = items[next++] as T;
      try {
        await fn(item);
      } catch (err) {
        failed ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  if (failed !== undefined) throw failed;
}
