import type { Logger } from 'pino';
import type { StageConfig } from '../config/types.ts';
import { DocpipeError } from '../errors.ts';
import type { Broker, StreamEntry } from '../streams/broker.ts';
import { LIVENESS_REFRESH_MS } from '../streams/keys.ts';
import { sleep } from '../util/sleep.ts';
import type { ProcessGate } from './gate.ts';
import { abortRecord } from './handler-context.ts';
import type { InFlightTable } from './in-flight.ts';

/** A handler running longer than this shows as `<stage>.running` in the state mirror. */
export const RUNNING_AFTER_MS = 250;

export interface HousekeepingHost {
  readonly stage: StageConfig;
  readonly deps: { broker: Broker; consumer: string; gate: ProcessGate };
  readonly log: Logger;
  readonly table: InFlightTable;
  /** Aborted when the worker stops reading. */
  readonly stopped: AbortSignal;
  /** Starts handlers for claimed entries (`exclusive`: a suspect, run alone in the process). */
  dispatch(entries: readonly StreamEntry[], exclusive?: boolean): void;
}

/**
 * One stage worker's timers: the sweep over in-flight handlers (running state, timeout), heartbeats
 * of their claims, reclaiming dead workers' entries (suspected crash-loop entries run alone),
 * promoting due retries, trimming acknowledged entries, liveness and pruning dead consumers.
 */
export class Housekeeping {
  private timers: NodeJS.Timeout[] = [];
  private sweeper: NodeJS.Timeout | undefined;
  private aliveTimer: NodeJS.Timeout | undefined;

  constructor(private readonly w: HousekeepingHost) {}

  start(): void {
    const s = this.w.stage;
    const { broker, consumer } = this.w.deps;
    // one timer per stage watches every in-flight handler (running state, timeout), not one per
    // message; it keeps running through a graceful stop's grace period
    this.sweeper = setInterval(() => this.sweep(), Math.max(10, Math.min(50, Math.floor(s.timeoutMs / 10))));
    this.sweeper.unref();
    this.every(Math.max(500, Math.min(s.idleMs / 3, 30_000)), () => this.heartbeat());
    this.every(Math.max(500, Math.min(s.idleMs / 2, 30_000)), () => this.reclaim());
    this.every(Math.max(50, Math.min(s.retries.delayMs / 4, 500)), () => broker.promoteDue(s));
    this.every(5_000, () => broker.trim(s.stream).then(() => undefined));
    // liveness for status, metrics and pruning (XINFO idle is not reliable before Redis 7.2); it
    // keeps going through a graceful stop's grace period, until the worker retires
    const alive = () => void broker.markAlive(s, consumer).catch(() => undefined);
    alive();
    this.aliveTimer = setInterval(alive, LIVENESS_REFRESH_MS);
    this.aliveTimer.unref();
    const deadAfter = Math.max(2 * s.idleMs, 10 * s.blockMs, 60_000);
    this.every(Math.max(10_000, s.idleMs), async () => {
      const removed = await broker.pruneConsumers(s, consumer, deadAfter);
      if (removed.length) this.w.log.info({ consumers: removed }, 'removed dead consumers (idle, nothing pending)');
    });
  }

  /** Stops the periodic tasks (the sweep and liveness go on through the grace period). */
  stopTasks(): void {
    for (const t of this.timers) clearInterval(t);
  }

  stopSweep(): void {
    clearInterval(this.sweeper);
  }

  /** Leaves the group at stop: liveness key deleted, consumer removed when it owns no pending entry. */
  async retire(): Promise<void> {
    clearInterval(this.aliveTimer);
    const { broker, consumer } = this.w.deps;
    const removed = await Promise.race([broker.retireConsumer(this.w.stage, consumer).catch(() => false), sleep(2_000).then(() => false)]);
    this.w.log.debug({ consumer, removed }, removed ? 'consumer left the group' : 'consumer kept: it owns pending entries');
  }

  private every(ms: number, fn: () => Promise<unknown>): void {
    let running = false;
    const t = setInterval(() => {
      if (running || this.w.stopped.aborted) return;
      running = true;
      fn()
        .catch((err: unknown) => this.w.log.debug({ err: (err as Error).message }, 'background task failed; will retry'))
        .finally(() => (running = false));
    }, ms);
    t.unref();
    this.timers.push(t);
  }

  /**
   * Walks the in-flight handlers (oldest first): one still running after RUNNING_AFTER_MS shows as
   * `<stage>.running` with its consumer; one past the stage's timeout is aborted.
   */
  private sweep(): void {
    const s = this.w.stage;
    const now = Date.now();
    const youngest = Math.min(RUNNING_AFTER_MS, s.timeoutMs);
    for (const rec of this.w.table.records()) {
      if (now - rec.since < youngest) break; // dispatched in order: the rest are younger
      if (rec.handlerAt === 0 || rec.abortReason !== undefined) continue;
      const ran = now - rec.handlerAt;
      if (!rec.shownRunning && ran >= RUNNING_AFTER_MS && rec.uuid) {
        rec.shownRunning = true;
        void this.w.deps.broker.begin(s, rec.entry.id, rec.uuid, this.w.deps.consumer, rec.attempt).catch(() => undefined);
      }
      if (ran >= s.timeoutMs)
        abortRecord(rec, new DocpipeError('retryable', 'DP_ERR_HANDLER_TIMEOUT', `handler exceeded its ${s.timeoutMs}ms timeout`));
    }
  }

  private async heartbeat(): Promise<void> {
    await this.w.deps.broker.heartbeat(this.w.stage, this.w.deps.consumer, [...this.w.table.ids()]);
  }

  /**
   * Takes over entries whose worker died. An entry that has already been delivered twice, or whose
   * next delivery is its last allowed, may be the one killing its workers: it is claimed only when
   * it can run alone in this process, so documents that merely shared a process with it are not
   * charged an attempt for each of its crashes (a claim counts as a delivery).
   */
  private async reclaim(): Promise<void> {
    const { stage, table, log } = this.w;
    const { broker, consumer } = this.w.deps;
    const free = stage.concurrency - table.size;
    if (free <= 0 || table.suspects.length) return;
    const idle = await broker.idlePending(stage, free);
    const suspect = (d: number) => d >= 2 || d + 1 >= stage.retries.max;
    table.suspects.push(...idle.filter((e) => suspect(e.deliveries)));
    const entries = await broker.claim(
      stage,
      consumer,
      idle.filter((e) => !suspect(e.deliveries)),
    );
    for (const e of entries) log.info({ msg_id: e.id, deliveries: e.deliveries }, 'reclaimed an entry from a dead worker');
    this.w.dispatch(entries);
    if (table.suspects.length) table.releaseSlot();
  }

  /** Runs the suspected crash-loop entries one at a time, alone in the process (after the rest finish). */
  async runSuspects(): Promise<void> {
    const { stage, table, log } = this.w;
    const { broker, consumer, gate } = this.w.deps;
    await table.settled();
    while (table.suspects.length && !this.w.stopped.aborted) {
      const next = table.suspects.shift()!;
      await gate.runExclusive(async () => {
        const [entry] = await broker.claim(stage, consumer, [next]);
        if (!entry) return; // taken by another worker meanwhile
        log.warn({ msg_id: entry.id, deliveries: entry.deliveries }, 'reclaimed a suspected crash-loop entry: running it alone');
        this.w.dispatch([entry], true);
        await table.get(entry.id)?.done;
      });
    }
  }
}
