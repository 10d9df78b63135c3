import type { PipelineConfig, StageConfig } from '../config/types.ts';
import { entryBytes, fieldsFromArray, fieldsToArray, type Fields } from '../messages/codec.ts';
import { stageEvent, type DocumentMachine } from '../state/machine.ts';
import { Keys, LIVENESS_TTL_MS } from './keys.ts';
import type { RedisClient } from './redis.ts';

/** One entry as read from a stream: its raw field list, with the field map and size worked out on demand. */
export class StreamEntry {
  /** Times the entry was delivered (known for reclaimed entries). */
  deliveries: number | undefined;
  private map: Fields | undefined;
  private size = -1;

  constructor(
    readonly id: string,
    /** `[k1, v1, k2, v2, …]` as Redis returned it. */
    readonly list: readonly string[],
  ) {}

  get fields(): Fields {
    return (this.map ??= fieldsFromArray(this.list));
  }

  /** Size of the entry in bytes (keys and values, UTF-8). */
  get bytes(): number {
    if (this.size < 0) this.size = entryBytes(this.list);
    return this.size;
  }

  /** True when the entry is at most `max` bytes (exact sizes are only computed near the limit). */
  fits(max: number): boolean {
    let chars = 0;
    for (const s of this.list) chars += s.length;
    // a UTF-16 code unit is at most 3 bytes of UTF-8
    return chars * 3 <= max || this.bytes <= max;
  }
}

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

/** Raw XREADGROUP / XAUTOCLAIM reply shapes (ioredis' default array replies). */
type RawEntry = [string, string[] | null];

export function parseEntries(raw: RawEntry[] | null | undefined): StreamEntry[] {
  const out: StreamEntry[] = [];
  for (const [id, list] of raw ?? []) {
    if (!list) continue; // an entry deleted while pending
    out.push(new StreamEntry(id, list));
  }
  return out;
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
    const [ok, idOrState] = await this.redis.dpSubmit(
      this.keys.doc(documentUuid), this.keys.docEvents(documentUuid), first.stream,
      to, this.machine.snapshotOf(to), Date.now(), this.config.pipelineVersion, this.config.state.history, first.name,
      this.machine.legalFrom({ type: 'SUBMIT' }).join(','), ...fieldsToArray(fields),
    );
    return { published: ok === 1, id: idOrState };
  }

  async begin(stage: StageConfig, entryId: string, documentUuid: string, consumer: string, attempt: number): Promise<BeginResult> {
    const event = stageEvent(stage.name, 'START');
    const to = `${stage.name}.running`;
    const [ok, state] = await this.redis.dpBegin(
      this.keys.doc(documentUuid), this.keys.docEvents(documentUuid),
      this.machine.legalFrom(event).join(','), to, this.machine.snapshotOf(to), entryId, consumer, Date.now(), attempt,
      this.config.pipelineVersion, this.config.state.history, stage.name,
    );
    return ok === 1 ? { started: true, previous: state } : { started: false, state };
  }

  /** The states of a batch of documents in one call ("-" for none): the guard, read before handlers run. */
  async states(documentUuids: readonly string[]): Promise<string[]> {
    if (documentUuids.length === 0) return [];
    const keys = documentUuids.map((u) => this.keys.doc(u));
    return this.redis.dpStates(keys.length, keys);
  }

  /**
   * Hands a batch of one stage's documents to the next stage in one script call. Returns, per item,
   * the next entry id, or "" when the item was stale (its document had moved on).
   */
  async handoff(stage: StageConfig, consumer: string, items: ReadonlyArray<HandoffItem>): Promise<string[]> {
    // success moves the document to the next stage whichever at-stage state it was in
    const to = this.machine.advance(`${stage.name}.running`, stageEvent(stage.name, 'SUCCEED'))!;
    const now = Date.now();
    const keys: string[] = [stage.stream, this.nextStream(stage), this.keys.stats(stage.name), this.keys.statsMinute(stage.name, Math.floor(now / 60000))];
    const args: Array<string | number> = [
      stage.group, now, consumer, this.config.state.history, to === 'completed' ? this.config.state.ttlMs : 0,
      this.atStage(stage), to, this.machine.snapshotOf(to), items.length,
      this.config.stages[stage.index + 1]?.name ?? stage.name,
    ];
    for (const it of items) {
      keys.push(this.keys.doc(it.documentUuid), this.keys.docEvents(it.documentUuid));
      const next = it.next;
      // [msg id, attempt, duration, k1, v1, …] as one JSON argument (see handoff.lua); ids and
      // numbers need no escaping
      const fields = next.length ? `,${JSON.stringify(next).slice(1)}` : ']';
      args.push(`["${it.entryId}","${it.attempt}","${Math.max(0, Math.round(it.durationMs))}"${fields}`);
    }
    // ioredis flattens one level of array arguments: no spreading of long argument lists
    return this.redis.dpHandoff(keys.length, keys, args);
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


  async retry(stage: StageConfig, entryId: string, documentUuid: string, consumer: string, attempt: number, dueAt: number, next: Fields, error: string): Promise<boolean> {
    const to = `${stage.name}.retrying`;
    const now = Date.now();
    const member = `${entryId}|${JSON.stringify(fieldsToArray(next))}`;
    const ok = await this.redis.dpRetry(
      this.keys.doc(documentUuid), this.keys.docEvents(documentUuid), stage.stream, this.keys.retries(stage.name),
      this.keys.stats(stage.name), this.keys.statsMinute(stage.name, Math.floor(now / 60000)),
      stage.group, entryId, this.atStage(stage), to, this.machine.snapshotOf(to), now, consumer,
      this.config.state.history, dueAt, member, error, attempt,
    );
    return ok === 1;
  }

  /** Returns 'failed' (document failed), 'dead-lettered' (entry only) or 'stale'. */
  async deadLetter(stage: StageConfig, entryId: string, documentUuid: string | undefined, consumer: string, attempt: number, dl: DeadLetter): Promise<'failed' | 'dead-lettered' | 'stale'> {
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
    const [code] = await this.redis.dpDeadLetter(
      this.keys.doc(uuid), this.keys.docEvents(uuid), stage.stream, stage.dlq,
      this.keys.stats(stage.name), this.keys.statsMinute(stage.name, Math.floor(now / 60000)),
      stage.group, entryId, allowed.join(',') || 'none', dl.ownerCheck ? '1' : '0', this.machine.snapshotOf('failed'), now, consumer,
      this.config.state.history, this.config.state.ttlMs, dl.error.slice(0, 2000), attempt, ...fieldsToArray(fields),
    );
    return code === 1 ? 'failed' : code === 2 ? 'dead-lettered' : 'stale';
  }

  /** Moves due retries of a stage back into its stream. */
  async promoteDue(stage: StageConfig, limit = 100): Promise<number> {
    return this.redis.dpPromote(this.keys.retries(stage.name), stage.stream, Date.now(), limit);
  }

  /** Extends the claim on in-flight entries (resets their idle time without counting a delivery). */
  async heartbeat(stage: StageConfig, consumer: string, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.redis.call('XCLAIM', stage.stream, stage.group, consumer, 0, ...ids, 'JUSTID');
  }

  /** Pending entries idle longer than the stage's `idle` (their worker died), with delivery counts. */
  async idlePending(stage: StageConfig, count: number): Promise<Array<{ id: string; consumer: string; deliveries: number }>> {
    const rows = (await this.redis.call('XPENDING', stage.stream, stage.group, 'IDLE', stage.idleMs, '-', '+', count)) as Array<[string, string, number, number]>;
    return rows.map(([id, consumer, , deliveries]) => ({ id, consumer, deliveries: Number(deliveries) }));
  }

  /**
   * Takes over idle entries (XCLAIM with the idle floor, so a live worker's entry is never taken).
   * Each returned entry carries its delivery count including this one.
   */
  async claim(stage: StageConfig, consumer: string, idle: ReadonlyArray<{ id: string; deliveries: number }>): Promise<StreamEntry[]> {
    if (idle.length === 0) return [];
    const raw = (await this.redis.call('XCLAIM', stage.stream, stage.group, consumer, stage.idleMs, ...idle.map((e) => e.id))) as RawEntry[];
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
   * `idleMs` and own no pending entry (a dead host's consumers, after their entries were reclaimed),
   * so XINFO does not grow without bound. XINFO's idle alone would also remove quiet live workers
   * on Redis before 7.2; the liveness key is what tells them apart.
   */
  async pruneConsumers(stage: StageConfig, self: string, idleMs: number): Promise<string[]> {
    const rows = (await this.redis.xinfo('CONSUMERS', stage.stream, stage.group)) as unknown[][];
    const alive = await liveConsumers(this.redis, this.keys, stage.name, rows.map((r) => String(infoMap(r)['name'])));
    const removed: string[] = [];
    for (const row of rows) {
      const info = infoMap(row);
      const name = String(info['name']);
      if (name === self || alive.has(name) || Number(info['pending'] ?? 0) > 0 || Number(info['idle'] ?? 0) < idleMs) continue;
      // DELCONSUMER would drop the consumer's pending entries: check once more right before it
      const owned = (await this.redis.xpending(stage.stream, stage.group, '-', '+', 1, name)) as unknown[];
      if (owned.length > 0) continue;
      await this.redis.xgroup('DELCONSUMER', stage.stream, stage.group, name);
      removed.push(name);
    }
    return removed;
  }

  /**
   * Trims a stream below the oldest entry some group has not acknowledged (XTRIM MINID): entries
   * still unread or pending in any group are never deleted. Returns the number of entries removed.
   */
  async trim(stream: string): Promise<number> {
    const minId = await this.safeTrimPoint(stream);
    if (!minId) return 0;
    return Number(await this.redis.xtrim(stream, 'MINID', minId));
  }

  /**
   * Trims the completed stream (DESIGN §6): acknowledged entries stay for `completed.retention`
   * (and, with `completed.max_length`, only the newest that many), so a consumer deployed later can
   * replay the window from `0`; an entry some group has not acknowledged is never removed.
   * Returns the number of entries removed.
   */
  async trimCompleted(): Promise<number> {
    const { stream, retentionMs, maxLength } = this.config.completed;
    const safe = await this.safeTrimPoint(stream);
    if (!safe) return 0;
    // entry ids carry Redis' clock: compare with Redis' time, not this host's
    const [sec, micros] = await this.redis.time();
    let keepFrom = `${Math.max(0, Number(sec) * 1000 + Math.floor(Number(micros) / 1000) - retentionMs)}-0`;
    if (maxLength !== undefined) {
      const excess = (await this.redis.xlen(stream)) - maxLength;
      if (excess > 0) {
        // the entries over the cap (at most a bounded page per call: a later trim takes the rest)
        const over = await this.redis.xrange(stream, '-', '+', 'COUNT', Math.min(excess, TRIM_PAGE));
        const last = over[over.length - 1];
        if (last && compareIds(successor(last[0]), keepFrom) > 0) keepFrom = successor(last[0]);
      }
    }
    const minId = compareIds(safe, keepFrom) < 0 ? safe : keepFrom;
    return Number(await this.redis.xtrim(stream, 'MINID', minId));
  }

  async safeTrimPoint(stream: string): Promise<string | undefined> {
    let groups: unknown[];
    try {
      groups = (await this.redis.xinfo('GROUPS', stream)) as unknown[];
    } catch {
      return undefined; // no such stream
    }
    if (groups.length === 0) return undefined; // nobody reads it yet: keep everything
    let floor: string | undefined;
    for (const g of groups) {
      const info = infoMap(g as unknown[]);
      const name = String(info['name']);
      const pending = Number(info['pending'] ?? 0);
      let point: string;
      if (pending > 0) {
        const summary = (await this.redis.xpending(stream, name)) as [number, string | null, string | null, unknown];
        point = summary[1] ?? String(info['last-delivered-id']);
      } else {
        point = successor(String(info['last-delivered-id'] ?? '0-0'));
      }
      if (!floor || compareIds(point, floor) < 0) floor = point;
    }
    return floor;
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

/** The consumers among `names` whose liveness key exists (one pipelined EXISTS per consumer). */
export async function liveConsumers(redis: RedisClient, keys: Keys, stage: string, names: readonly string[]): Promise<Set<string>> {
  if (names.length === 0) return new Set();
  const pipe = redis.pipeline();
  for (const n of names) pipe.exists(keys.consumerAlive(stage, n));
  const replies = (await pipe.exec()) ?? [];
  return new Set(names.filter((_, i) => Number(replies[i]?.[1] ?? 0) > 0));
}

/** Entries looked at per trim of the completed stream beyond its `max_length`. */
const TRIM_PAGE = 10_000;

function infoMap(list: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i + 1 < list.length; i += 2) out[String(list[i])] = list[i + 1];
  return out;
}

export function compareIds(a: string, b: string): number {
  const [am = 0n, as = 0n] = a.split('-').map((x) => BigInt(x));
  const [bm = 0n, bs = 0n] = b.split('-').map((x) => BigInt(x));
  return am < bm ? -1 : am > bm ? 1 : as < bs ? -1 : as > bs ? 1 : 0;
}

function successor(id: string): string {
  const [ms = '0', seq = '0'] = id.split('-');
  return `${ms}-${BigInt(seq) + 1n}`;
}
