import type { Logger } from 'pino';
import type { StreamEntry } from '../streams/broker.ts';
import type { AttemptTrace } from '../telemetry/spans.ts';

import { UUID_PATTERN as UUID } from '../util/uuid.ts';

/** A message being handled: its entry, timing, and what aborts it. */
export interface InFlight {
  entry: StreamEntry;
  /** Date.now() at dispatch; records sit in the in-flight map in this order. */
  since: number;
  /** The entry's document_uuid field as sent, and the same validated and lower-cased. */
  uuidRaw: string | undefined;
  uuid: string | undefined;
  attempt: number;
  /** Date.now() when the current handler run started; 0 while no handler runs. */
  handlerAt: number;
  /** The `<stage>.running` state has been written (handlers running past RUNNING_AFTER_MS). */
  shownRunning: boolean;
  /** Counted as undecided until it reaches an outcome (the handoff flushes when none is left). */
  decided: boolean;
  /** Created when the handler asks for `ctx.signal` (most never do). */
  abort: AbortController | undefined;
  /** Why the message was aborted (handler timeout, hard stop). */
  abortReason: unknown;
  /** Rejects the running handler's wait (timeout, hard stop). */
  fail: ((reason: unknown) => void) | undefined;
  logger: Logger | undefined;
  /** The attempt's span and what it learns (tracing on), handed on explicitly: no context manager. */
  trace: AttemptTrace | undefined;
  /** A message for the same document already in flight here: this one waits for it, then reads the state again. */
  after: InFlight | undefined;
  done: Promise<void>;
}

/** An idle entry that may be crashing its worker (see StageWorker reclaim). */
export interface Suspect {
  id: string;
  deliveries: number;
}

/**
 * The messages one stage worker is handling: by entry id (in dispatch order), the latest per
 * document (duplicates in one batch run one after the other), how many have not reached an outcome,
 * the waiters for a free handler slot, and the suspected crash-loop entries to run alone.
 */
export class InFlightTable {
  private readonly byId = new Map<string, InFlight>();
  private readonly byDocument = new Map<string, InFlight>();
  /** In-flight messages that have not reached an outcome yet. */
  private undecided = 0;
  private slotWaiters: Array<() => void> = [];
  /** Idle entries that may be crashing their worker: claimed and run one at a time, alone. */
  readonly suspects: Suspect[] = [];

  get size(): number {
    return this.byId.size;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  get(id: string): InFlight | undefined {
    return this.byId.get(id);
  }

  ids(): IterableIterator<string> {
    return this.byId.keys();
  }

  /** Oldest first. */
  records(): IterableIterator<InFlight> {
    return this.byId.values();
  }

  /** Every in-flight message's completion. */
  settled(): Promise<void[]> {
    return Promise.all([...this.byId.values()].map((f) => f.done));
  }

  /** Records a dispatched entry (undecided until `decide`). */
  add(entry: StreamEntry, since: number): InFlight {
    const uuidRaw = rawDocumentUuid(entry.list);
    const uuid = uuidRaw !== undefined && UUID.test(uuidRaw) ? uuidRaw.toLowerCase() : undefined;
    const rec: InFlight = {
      entry,
      since,
      uuidRaw,
      uuid,
      attempt: 1,
      handlerAt: 0,
      shownRunning: false,
      decided: false,
      abort: undefined,
      abortReason: undefined,
      fail: undefined,
      logger: undefined,
      trace: undefined,
      after: undefined,
      done: Promise.resolve(),
    };
    if (uuid !== undefined) {
      rec.after = this.byDocument.get(uuid);
      this.byDocument.set(uuid, rec);
    }
    this.byId.set(entry.id, rec);
    this.undecided++;
    return rec;
  }

  /** Marks a message as having reached its outcome; true when it was the last undecided one. */
  decide(rec: InFlight): boolean {
    if (rec.decided) return false;
    rec.decided = true;
    this.undecided--;
    return this.undecided === 0;
  }

  /** Forgets a finished message and wakes the slot waiters. */
  remove(rec: InFlight): void {
    this.byId.delete(rec.entry.id);
    if (rec.uuid !== undefined && this.byDocument.get(rec.uuid) === rec) this.byDocument.delete(rec.uuid);
    this.releaseSlot();
  }

  /** Waits until a slot may have been freed (a message finished, a suspect arrived, or the worker stops). */
  waitForRelease(): Promise<void> {
    return new Promise<void>((resolve) => this.slotWaiters.push(resolve));
  }

  releaseSlot(): void {
    if (this.slotWaiters.length === 0) return;
    const waiters = this.slotWaiters;
    this.slotWaiters = [];
    for (const w of waiters) w();
  }
}

/** The entry's `document_uuid` field (the last one when repeated, as a field map would keep). */
function rawDocumentUuid(list: readonly string[]): string | undefined {
  let found: string | undefined;
  for (let i = 0; i + 1 < list.length; i += 2) if (list[i] === 'document_uuid') found = list[i + 1];
  return found;
}
