import type { Logger } from 'pino';
import type { HandoffItem } from '../streams/broker.ts';
import { sleep } from '../util/sleep.ts';
import { outageDelay } from './backoff.ts';

interface Waiting {
  item: HandoffItem;
  resolve: (id: string | undefined) => void;
}

/**
 * Collects the handoffs of one stage that finish together (in the same turn of the event loop, or
 * when the worker says the burst is over) and sends them to Redis in one script call (one round trip and one XACK for the batch). A failed call (Redis
 * away) is retried with backoff: an outage never costs an attempt.
 */
export class HandoffBatcher {
  private queue: Waiting[] = [];
  private scheduled = false;
  private readonly maxBatch: number;

  constructor(
    private readonly send: (items: HandoffItem[]) => Promise<string[]>,
    private readonly log: Logger,
    private readonly abandoned: () => boolean,
    maxBatch = 200,
  ) {
    this.maxBatch = maxBatch;
  }

  /** Resolves with the next entry id, "" when the entry was stale, undefined when abandoned at shutdown. */
  add(item: HandoffItem): Promise<string | undefined> {
    return new Promise((resolve) => {
      this.queue.push({ item, resolve });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  /** Sends what is queued now (the worker calls it when no other handler of the burst is still running). */
  flushNow(): void {
    if (this.queue.length) void this.flush();
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    while (this.queue.length) {
      const batch = this.queue.splice(0, this.maxBatch);
      const ids = await this.sendWithRetry(batch.map((w) => w.item));
      batch.forEach((w, i) => w.resolve(ids?.[i]));
    }
  }

  private async sendWithRetry(items: HandoffItem[]): Promise<string[] | undefined> {
    for (let failures = 1; ; failures++) {
      try {
        return await this.send(items);
      } catch (err) {
        if (this.abandoned()) return undefined;
        this.log.warn({ err: (err as Error).message, items: items.length }, 'handoff failed; retrying');
        await sleep(outageDelay(failures));
      }
    }
  }
}
