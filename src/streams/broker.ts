import type { PipelineConfig, StageConfig } from '../config/types.ts';
import { fieldsToArray, type Fields } from '../messages/codec.ts';
import { stageEvent, type DocumentMachine } from '../state/machine.ts';
import { pruneDeadConsumers } from './consumers.ts';
import { infoMap, parseEntries, type RawEntry, type StreamEntry } from './entries.ts';
import { Keys, LIVENESS_TTL_MS } from './keys.ts';
import type { RedisClient } from './redis.ts';
import * as scripts from './script-calls.ts';
import { trimCompletedStream, trimStream } from './trim.ts';

export { liveConsumers } from './consumers.ts';
export { parseEntries, StreamEntry } from './entries.ts';
export { compareIds } from './trim.ts';

export interface HandoffItem {
  entryId: string;
  documentUuid: string;
  attempt: number;
  durationMs: number;
  /** The next stage's entry, flat (`[k1, v1, …]`, from `encodeEntry`). */
  next: readonly string[];
}

export type BeginResult = { started: true; previous: string } | { started: false; state: string };

export interface DeadLetter {
  fields: Fields;
  error: string;
  errorKind: string;
  errorCode: string;
  /** True for a handler failure (stale unless the document is still at this stage); false for invalid or crashed entries. */
  ownerCheck: boolean;
}

/**
 * The pipeline's Redis operations: every state change goes through one Lua script, so a crash at
 * any point leaves either the old state with the entry pending, or the new state with nothing to redo.
 */
export class Broker {
  readonly keys: Keys;
  private readonly redis: RedisClient;
  private readonly config: PipelineConfig;
  private readonly machine: DocumentMachine;
  private readonly atStageCache = new Map<string, string>();

  constructor(redis: RedisClient, config: PipelineConfig, machine: DocumentMachine) {
    this.redis = redis;
    this.config = config;
    this.machine = machine;
    this.keys = new Keys(config.prefix);
  }

  stage(name: string): StageConfig {
    const s = this.config.stages.find((x) => x.name === name);
    if (!s) throw new Error(`unknown stage "${name}"`);
    return s;
  }

  nextStream(stage: StageConfig): string {
    return this.config.stages[stage.index + 1]?.stream ?? this.config.completed.stream;
  }

  /** Creates each stage's consumer group from id 0 (entries produced before the first worker count). */
  async ensureGroups(stages: readonly StageConfig[] = this.config.stages): Promise<void> {
    for (const s of stages) await this.ensureGroup(s.stream, s.group);
  }

  async ensureGroup(stream: string, group: string): Promise<void> {
    try {
      await this.redis.xgroup('CREATE', stream, group, '0', 'MKSTREAM');
    } catch (err) {
      if (!(err instanceof Error && err.message.startsWith('BUSYGROUP'))) throw err;
    }
  }

  /** Publishes a new document to the first stage; refused while the document is in flight. */
  async submit(documentUuid: string, fields: Fields): Promise<{ published: boolean; id: string }> {
    const first = this.config.stages[0]!;
    const to = `${first.name}.queued`;
    const { outcome, idOrState } = await scripts.submit(this.redis, {
      ...this.docKeys(documentUuid),
      stream: first.stream,
      to,
      snapshot: this.machine.snapshotOf(to),
      now: Date.now(),
      pipelineVersion: this.config.pipelineVersion,
      historyMaxlen: this.config.state.history,
      stage: first.name,
      allowedFrom: this.machine.legalFrom({ type: 'SUBMIT' }),
      entry: fieldsToArray(fields),
    });
    return { published: outcome === 'published', id: idOrState };
  }

  async begin(stage: StageConfig, entryId: string, documentUuid: string, consumer: string, attempt: number): Promise<BeginResult> {
    const event = stageEvent(stage.name, 'START');
    const to = `${stage.name}.running`;
    const { outcome, state } = await scripts.begin(this.redis, {
      ...this.docKeys(documentUuid),
      allowedFrom: this.machine.legalFrom(event),
      to,
      snapshot: this.machine.snapshotOf(to),
      entryId,
      consumer,
      now: Date.now(),
      attempt,
      pipelineVersion: this.config.pipelineVersion,
      historyMaxlen: this.config.state.history,
      stage: stage.name,
    });
    return outcome === 'started' ? { started: true, previous: state } : { started: false, state };
  }

  /** The states of a batch of documents in one call ("-" for none): the guard, read before handlers run. */
  async states(documentUuids: readonly string[]): Promise<string[]> {
    if (documentUuids.length === 0) return [];
    return scripts.states(
      this.redis,
      documentUuids.map((u) => this.keys.doc(u)),
    );
  }

  /**
   * Hands a batch of one stage's documents to the next stage in one script call. Returns, per item,
   * the next entry id, or "" when the item was stale (its document had moved on).
   */
  async handoff(stage: StageConfig, consumer: string, items: ReadonlyArray<HandoffItem>): Promise<string[]> {
    // success moves the document to the next stage whichever at-stage state it was in
    const to = this.machine.advance(`${stage.name}.running`, stageEvent(stage.name, 'SUCCEED'))!;
    const now = Date.now();
    return scripts.handoff(this.redis, {
      stream: stage.stream,
      nextStream: this.nextStream(stage),
      ...this.statsKeys(stage, now),
      group: stage.group,
      now,
      consumer,
      historyMaxlen: this.config.state.history,
      ttlMs: to === 'completed' ? this.config.state.ttlMs : 0,
      allowedFrom: this.atStage(stage),
      to,
      snapshot: this.machine.snapshotOf(to),
      nextStage: this.config.stages[stage.index + 1]?.name ?? stage.name,
      foldHistory: to === 'completed' && this.config.state.historyAfterFinish === 'packed',
      docKeys: this.docKeyPairs(items),
      items,
    });
  }

  /** Each item's state hash and history stream, flat: [doc 1, events 1, doc 2, …] (no object per item on the hot path). */
  private docKeyPairs(items: ReadonlyArray<{ documentUuid: string }>): string[] {
    const out = new Array<string>(items.length * 2);
    for (let i = 0; i < items.length; i++) {
      const uuid = items[i]!.documentUuid;
      out[2 * i] = this.keys.doc(uuid);
      out[2 * i + 1] = this.keys.docEvents(uuid);
    }
    return out;
  }

  private docKeys(documentUuid: string): { doc: string; events: string } {
    return { doc: this.keys.doc(documentUuid), events: this.keys.docEvents(documentUuid) };
  }

  private statsKeys(stage: StageConfig, now: number): { stats: string; statsMinute: string } {
    return { stats: this.keys.stats(stage.name), statsMinute: this.keys.statsMinute(stage.name, Math.floor(now / 60000)) };
  }

  /** The states in which a document is still at `stage` (a message for it may run there). */
  atStage(stage: StageConfig): string {
    let s = this.atStageCache.get(stage.name);
    if (!s) {
      s = this.machine.legalFrom(stageEvent(stage.name, 'START')).join(',');
      this.atStageCache.set(stage.name, s);
    }
    return s;
  }

  async retry(
    stage: StageConfig,
    entryId: string,
    documentUuid: string,
    consumer: string,
    attempt: number,
    dueAt: number,
    next: Fields,
    error: string,
  ): Promise<boolean> {
    const to = `${stage.name}.retrying`;
    const now = Date.now();
    const member = `${entryId}|${JSON.stringify(fieldsToArray(next))}`;
    const outcome = await scripts.retry(this.redis, {
      ...this.docKeys(documentUuid),
      stream: stage.stream,
      retryZset: this.keys.retries(stage.name),
      ...this.statsKeys(stage, now),
      group: stage.group,
      entryId,
      allowedFrom: this.atStage(stage),
      to,
      snapshot: this.machine.snapshotOf(to),
      now,
      consumer,
      historyMaxlen: this.config.state.history,
      dueAt,
      member,
      error,
      attempt,
    });
    return outcome === 'scheduled';
  }

  /** Returns 'failed' (document failed), 'dead-lettered' (entry only) or 'stale'. */
  async deadLetter(
    stage: StageConfig,
    entryId: string,
    documentUuid: string | undefined,
    consumer: string,
    attempt: number,
    dl: DeadLetter,
  ): Promise<'failed' | 'dead-lettered' | 'stale'> {
    const now = Date.now();
    const uuid = documentUuid ?? 'unknown';
    const fields: Fields = {
      ...dl.fields,
      error: dl.error,
      error_kind: dl.errorKind,
      error_code: dl.errorCode,
      original_msg_id: entryId,
      original_stream: stage.stream,
      failed_at_attempt: String(attempt),
      failed_at: String(now),
      consumer,
    };
    // a document with no state yet (a foreign producer's message) is at this stage too
    const allowed = documentUuid ? this.machine.legalFrom(stageEvent(stage.name, 'FAIL')) : [];
    return scripts.deadLetter(this.redis, {
      ...this.docKeys(uuid),
      stream: stage.stream,
      dlq: stage.dlq,
      ...this.statsKeys(stage, now),
      group: stage.group,
      entryId,
      allowedFrom: allowed.join(',') || 'none',
      ownerCheck: dl.ownerCheck,
      failedSnapshot: this.machine.snapshotOf('failed'),
      now,
      consumer,
      historyMaxlen: this.config.state.history,
      ttlMs: this.config.state.ttlMs,
      error: dl.error.slice(0, 2000),
      attempt,
      entry: fieldsToArray(fields),
    });
  }

  /** Moves due retries of a stage back into its stream. */
  async promoteDue(stage: StageConfig, limit = 100): Promise<number> {
    return scripts.promote(this.redis, { retryZset: this.keys.retries(stage.name), stream: stage.stream, now: Date.now(), limit });
  }

  /**
   * Puts a dead letter back at its stage as `entry` (attempts reset): the DLQ entry is deleted, and a
   * `failed` document (or one with no state) moves back to `<stage>.queued` with a REDRIVE event.
   * Returns the new entry id, or undefined when the DLQ entry no longer exists.
   */
  async redrive(
    stage: StageConfig,
    dlqEntryId: string,
    documentUuid: string,
    entry: Fields,
    now = Date.now(),
  ): Promise<string | undefined> {
    const to = `${stage.name}.queued`;
    return scripts.redrive(this.redis, {
      dlq: stage.dlq,
      stream: stage.stream,
      ...this.docKeys(documentUuid),
      dlqEntryId,
      to,
      snapshot: this.machine.snapshotOf(to),
      now,
      historyMaxlen: this.config.state.history,
      stage: stage.name,
      entry: fieldsToArray(entry),
    });
  }

  /** Extends the claim on in-flight entries (resets their idle time without counting a delivery). */
  async heartbeat(stage: StageConfig, consumer: string, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.redis.call('XCLAIM', stage.stream, stage.group, consumer, 0, ...ids, 'JUSTID');
  }

  /** Pending entries idle longer than the stage's `idle` (their worker died), with delivery counts. */
  async idlePending(stage: StageConfig, count: number): Promise<Array<{ id: string; consumer: string; deliveries: number }>> {
    const rows = (await this.redis.call('XPENDING', stage.stream, stage.group, 'IDLE', stage.idleMs, '-', '+', count)) as Array<
      [string, string, number, number]
    >;
    return rows.map(([id, consumer, , deliveries]) => ({ id, consumer, deliveries: Number(deliveries) }));
  }

  /**
   * Takes over idle entries (XCLAIM with the idle floor, so a live worker's entry is never taken).
   * Each returned entry carries its delivery count including this one.
   */
  async claim(stage: StageConfig, consumer: string, idle: ReadonlyArray<{ id: string; deliveries: number }>): Promise<StreamEntry[]> {
    if (idle.length === 0) return [];
    const raw = (await this.redis.call(
      'XCLAIM',
      stage.stream,
      stage.group,
      consumer,
      stage.idleMs,
      ...idle.map((e) => e.id),
    )) as RawEntry[];
    const before = new Map(idle.map((e) => [e.id, e.deliveries]));
    const entries = parseEntries(raw);
    for (const e of entries) e.deliveries = (before.get(e.id) ?? 0) + 1;
    return entries;
  }

  /** Refreshes this worker's liveness key (see LIVENESS_TTL_MS). */
  async markAlive(stage: StageConfig, consumer: string): Promise<void> {
    await this.redis.set(this.keys.consumerAlive(stage.name, consumer), String(Date.now()), 'PX', LIVENESS_TTL_MS);
  }

  /**
   * Graceful stop of a stage worker: its liveness key goes, and its consumer leaves the group when
   * it owns no pending entry (entries it still owns stay for reclaim). Returns true when removed.
   */
  async retireConsumer(stage: StageConfig, consumer: string): Promise<boolean> {
    await this.redis.del(this.keys.consumerAlive(stage.name, consumer));
    return this.leaveGroup(stage.stream, stage.group, consumer);
  }

  /** Removes a stopping consumer from a group unless it owns pending entries (they stay for reclaim). */
  async leaveGroup(stream: string, group: string, consumer: string): Promise<boolean> {
    const owned = (await this.redis.xpending(stream, group, '-', '+', 1, consumer)) as unknown[];
    if (owned.length > 0) return false;
    await this.redis.xgroup('DELCONSUMER', stream, group, consumer);
    return true;
  }

  /**
   * Removes consumers of a stage's group that have no liveness key, have been idle longer than
   * `idleMs` and own no pending entry (see consumers.ts). Returns the names removed.
   */
  async pruneConsumers(stage: StageConfig, self: string, idleMs: number): Promise<string[]> {
    return pruneDeadConsumers(this.redis, this.keys, stage, self, idleMs);
  }

  /**
   * Trims a stream below the oldest entry some group has not acknowledged (see trim.ts). Returns
   * the number of entries removed.
   */
  async trim(stream: string): Promise<number> {
    return trimStream(this.redis, stream);
  }

  /** Trims the completed stream to its retention (see trim.ts). Returns the number of entries removed. */
  async trimCompleted(): Promise<number> {
    return trimCompletedStream(this.redis, this.config.completed);
  }

  /** Unread entries for a group (lag) plus its pending count. */
  async backlog(stream: string, group: string): Promise<{ lag: number; pending: number }> {
    try {
      const groups = (await this.redis.xinfo('GROUPS', stream)) as unknown[];
      for (const g of groups) {
        const info = infoMap(g as unknown[]);
        if (info['name'] !== group) continue;
        let lag = info['lag'];
        if (lag === null || lag === undefined) {
          // lag unknown (entries deleted): count entries after last-delivered-id
          const after = await this.redis.xrange(stream, `(${String(info['last-delivered-id'])}`, '+', 'COUNT', 100000);
          lag = after.length;
        }
        return { lag: Number(lag), pending: Number(info['pending'] ?? 0) };
      }
      const len = await this.redis.xlen(stream);
      return { lag: len, pending: 0 };
    } catch {
      return { lag: 0, pending: 0 };
    }
  }

  async scheduledRetries(stage: StageConfig): Promise<number> {
    return this.redis.zcard(this.keys.retries(stage.name));
  }

  /** True when no stage has unread, pending or scheduled work. */
  async isIdle(stages: readonly StageConfig[] = this.config.stages): Promise<boolean> {
    for (const s of stages) {
      const { lag, pending } = await this.backlog(s.stream, s.group);
      if (lag > 0 || pending > 0) return false;
      if ((await this.scheduledRetries(s)) > 0) return false;
    }
    return true;
  }

  /** Acknowledges a duplicate entry whose document is past its stage. */
  async ackSkipped(stage: StageConfig, entryId: string): Promise<void> {
    const now = Date.now();
    await this.redis
      .multi()
      .xack(stage.stream, stage.group, entryId)
      .hincrby(this.keys.stats(stage.name), 'skipped', 1)
      .hincrby(this.keys.statsMinute(stage.name, Math.floor(now / 60000)), 'skipped', 1)
      .pexpire(this.keys.statsMinute(stage.name, Math.floor(now / 60000)), 7_200_000)
      .exec();
  }

  async countIllegal(): Promise<void> {
    await this.redis.incr(this.keys.illegal());
  }
}
