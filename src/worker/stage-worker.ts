import type { ValidateFunction } from 'ajv/dist/2020.js';
import type { Logger } from 'pino';
import type { StageContext, StageDefinition, StageMessage } from '../api/stage.ts';
import type { StageConfig } from '../config/types.ts';
import { classifyError, DocpipeError, type ErrorCode } from '../errors.ts';
import { decodeEntry, encodeEntry, payloadDecoder, splitEnvelope, withEnvelope, type Envelope, type Fields, type PayloadDecoder } from '../messages/codec.ts';
import { formatAjvErrors, type JsonSchema } from '../messages/schemas.ts';
import type { LlmClient, Providers } from '../providers/types.ts';
import { parseEntries, type Broker, type StreamEntry } from '../streams/broker.ts';
import { HandoffBatcher } from './handoff-batcher.ts';
import { inTransaction } from './transaction.ts';
import { LIVENESS_REFRESH_MS } from '../streams/keys.ts';
import { isNoGroupError, type RedisClient } from '../streams/redis.ts';
import { NO_STATE, stageEvent, type DocumentMachine } from '../state/machine.ts';
import type { Store } from '../store/db.ts';
import { outageDelay, retryDelay, sleep } from './backoff.ts';
import type { ProcessGate } from './gate.ts';
import { deadLetterFields, handoffTraceparent, retryTraceparent, traceAttempt, type OutcomeDetail } from '../telemetry/spans.ts';

/** A handler running longer than this shows as `<stage>.running` in the state mirror. */
const RUNNING_AFTER_MS = 250;
/** Handler re-runs after infrastructure failures before they start counting as attempts. */
const MAX_OUTAGE_RERUNS = 40;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface StageRuntime {
  stage: StageConfig;
  handler: StageDefinition;
  inputSchema: JsonSchema;
  validateInput: ValidateFunction;
  /** Validator of the next stage's input (or the completed schema); undefined when none is declared. */
  validateOutput: ValidateFunction | undefined;
  /** Validator of the stage's own output schema (declared by its handler or its `output:`). */
  validateOwnOutput?: ValidateFunction | undefined;
}

export interface WorkerDeps {
  broker: Broker;
  /** Dedicated connection for blocking reads (never shared with commands). */
  reader: RedisClient;
  machine: DocumentMachine;
  consumer: string;
  pipelineVersion: string;
  log: Logger;
  store: Store;
  providers: Providers;
  /** Shared by every worker of the process: suspected crash-loop entries run alone. */
  gate: ProcessGate;
  /** Observer for metrics (outcome per message, handler duration). */
  onOutcome?: (stage: string, outcome: Outcome, durationMs: number, detail?: OutcomeDetail) => void;
}

export type Outcome = 'processed' | 'retried' | 'dead_lettered' | 'skipped' | 'illegal' | 'stale';

/** A message being handled: its entry, timing, and what aborts it. */
interface InFlight {
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
  /** A message for the same document already in flight here: this one waits for it, then reads the state again. */
  after: InFlight | undefined;
  done: Promise<void>;
}

/** Where a dispatched batch's guard read lands: one call for the whole read batch. */
interface BatchStates {
  states: Promise<string[] | undefined> | undefined;
  /** Index of each entry's document in the states reply (-1: the entry has no usable uuid). */
  slots: number[];
}

/**
 * The `ctx` handed to a handler. Per message it holds only what differs per message; the stage's
 * constants are read through, and `signal` and `log` are made only when a handler asks for them.
 */
class HandlerContext implements StageContext {
  /** The attempt's transaction, while the handler runs in one. */
  txStore: Store | undefined;

  constructor(
    private readonly worker: StageWorker,
    private readonly rec: InFlight,
    readonly documentUuid: string,
  ) {}

  get stage(): string {
    return this.worker.stage.name;
  }

  get messageId(): string {
    return this.rec.entry.id;
  }

  get attempt(): number {
    return this.rec.attempt;
  }

  get maxAttempts(): number {
    return this.worker.stage.retries.max;
  }

  get store(): Store {
    return this.txStore ?? this.worker.deps.store;
  }

  get providers(): Providers {
    return this.worker.deps.providers;
  }

  get llm(): LlmClient | undefined {
    return this.worker.deps.providers.llm;
  }

  get options(): Readonly<Record<string, unknown>> {
    return this.worker.stage.options;
  }

  get signal(): AbortSignal {
    return signalOf(this.rec);
  }

  get log(): Logger {
    return this.worker.logFor(this.rec);
  }

  heartbeat(): Promise<void> {
    return this.worker.deps.broker.heartbeat(this.worker.stage, this.worker.deps.consumer, [this.rec.entry.id]);
  }
}

function signalOf(rec: InFlight): AbortSignal {
  if (!rec.abort) {
    rec.abort = new AbortController();
    if (rec.abortReason !== undefined) rec.abort.abort(rec.abortReason);
  }
  return rec.abort.signal;
}

/** The entry's `document_uuid` field (the last one when repeated, as a field map would keep). */
function rawDocumentUuid(list: readonly string[]): string | undefined {
  let found: string | undefined;
  for (let i = 0; i + 1 < list.length; i += 2) if (list[i] === 'document_uuid') found = list[i + 1];
  return found;
}

/**
 * One stage's worker in this process: reads its own backlog, then new entries (batched, blocking),
 * runs up to `concurrency` handlers, heartbeats their claims, reclaims dead workers' entries,
 * promotes due retries and trims acknowledged entries.
 */
export class StageWorker {
  readonly stage: StageConfig;
  readonly deps: WorkerDeps;
  private readonly rt: StageRuntime;
  private readonly log: Logger;
  private readonly decode: PayloadDecoder;
  private readonly inFlight = new Map<string, InFlight>();
  /** The latest in-flight message per document (duplicates in one batch run one after the other). */
  private readonly byDocument = new Map<string, InFlight>();
  /** In-flight messages that have not reached an outcome yet. */
  private undecided = 0;
  private readonly stopSignal = new AbortController();
  private hardStopped = false;
  private slotWaiters: Array<() => void> = [];
  /** Idle entries that may be crashing their worker: claimed and run one at a time, alone (see reclaim). */
  private suspects: Array<{ id: string; deliveries: number }> = [];
  private loops: Promise<void>[] = [];
  private readonly handoffs: HandoffBatcher;
  /** States in which a message for this stage may run (this stage's queued/running/retrying, or none yet). */
  private readonly atStage: ReadonlySet<string>;
  private timers: NodeJS.Timeout[] = [];
  private sweeper: NodeJS.Timeout | undefined;
  private aliveTimer: NodeJS.Timeout | undefined;

  constructor(rt: StageRuntime, deps: WorkerDeps) {
    this.rt = rt;
    this.stage = rt.stage;
    this.deps = deps;
    this.log = deps.log.child({ stage: rt.stage.name });
    this.decode = payloadDecoder(rt.inputSchema);
    this.atStage = new Set(deps.machine.legalFrom(stageEvent(rt.stage.name, 'START')));
    this.handoffs = new HandoffBatcher((items) => deps.broker.handoff(rt.stage, deps.consumer, items), this.log, () => this.hardStopped);
  }

  get busy(): number {
    return this.inFlight.size;
  }

  start(): void {
    const s = this.stage;
    this.loops.push(this.readLoop());
    // one timer per stage watches every in-flight handler (running state, timeout), not one per
    // message; it keeps running through a graceful stop's grace period
    this.sweeper = setInterval(() => this.sweep(), Math.max(10, Math.min(50, Math.floor(s.timeoutMs / 10))));
    this.sweeper.unref();
    this.every(Math.max(500, Math.min(s.idleMs / 3, 30_000)), () => this.heartbeat());
    this.every(Math.max(500, Math.min(s.idleMs / 2, 30_000)), () => this.reclaim());
    this.every(Math.max(50, Math.min(s.retries.delayMs / 4, 500)), () => this.promote());
    this.every(5_000, () => this.deps.broker.trim(s.stream).then(() => undefined));
    // liveness for status, metrics and pruning (XINFO idle is not reliable before Redis 7.2); it
    // keeps going through a graceful stop's grace period, until the worker retires
    const alive = () => void this.deps.broker.markAlive(s, this.deps.consumer).catch(() => undefined);
    alive();
    this.aliveTimer = setInterval(alive, LIVENESS_REFRESH_MS);
    this.aliveTimer.unref();
    const deadAfter = Math.max(2 * s.idleMs, 10 * s.blockMs, 60_000);
    this.every(Math.max(10_000, s.idleMs), async () => {
      const removed = await this.deps.broker.pruneConsumers(s, this.deps.consumer, deadAfter);
      if (removed.length) this.log.info({ consumers: removed }, 'removed dead consumers (idle, nothing pending)');
    });
  }

  /** Stops reading; waits up to `graceMs` for in-flight handlers, then aborts them (left pending for reclaim). */
  async stop(graceMs: number): Promise<void> {
    if (this.stopSignal.signal.aborted) return;
    this.stopSignal.abort();
    for (const t of this.timers) clearInterval(t);
    for (const w of this.slotWaiters) w();
    this.deps.reader.disconnect();
    // The read loop ends first: a batch it had already received is dispatched, and finished below
    // (those entries are pending on this consumer). A read that never settles (the connection torn
    // down mid-reconnect) must not hang shutdown.
    await Promise.race([Promise.allSettled(this.loops), sleep(5_000)]);
    const deadline = Date.now() + graceMs;
    const settled = () => Promise.all([...this.inFlight.values()].map((f) => f.done));
    while (this.inFlight.size > 0 && Date.now() < deadline) {
      await Promise.race([settled(), sleep(Math.max(0, deadline - Date.now()))]);
    }
    clearInterval(this.sweeper);
    if (this.inFlight.size > 0) {
      this.hardStopped = true;
      this.log.warn({ in_flight: this.inFlight.size }, 'grace period over: aborting in-flight handlers (their entries stay pending for reclaim)');
      for (const f of this.inFlight.values()) abortRecord(f, new DocpipeError('infrastructure', 'DP_ERR_HANDLER_FAILED', 'worker shutting down'));
      await Promise.race([settled(), sleep(2_000)]);
      await this.retire();
      return;
    }
    // a last trim, so a stopped pipeline does not hold what its groups have all acknowledged
    // (never unread or pending entries: see Broker.trim); skipped when Redis does not answer soon
    await Promise.race([this.deps.broker.trim(this.stage.stream).catch(() => 0), sleep(2_000)]);
    await this.retire();
  }

  /** Leaves the group at stop: liveness key deleted, consumer removed when it owns no pending entry. */
  private async retire(): Promise<void> {
    clearInterval(this.aliveTimer);
    const removed = await Promise.race([this.deps.broker.retireConsumer(this.stage, this.deps.consumer).catch(() => false), sleep(2_000).then(() => false)]);
    this.log.debug({ consumer: this.deps.consumer, removed }, removed ? 'consumer left the group' : 'consumer kept: it owns pending entries');
  }

  private every(ms: number, fn: () => Promise<void>): void {
    let running = false;
    const t = setInterval(() => {
      if (running || this.stopSignal.signal.aborted) return;
      running = true;
      fn()
        .catch((err: unknown) => this.log.debug({ err: (err as Error).message }, 'background task failed; will retry'))
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
    const s = this.stage;
    const now = Date.now();
    const youngest = Math.min(RUNNING_AFTER_MS, s.timeoutMs);
    for (const rec of this.inFlight.values()) {
      if (now - rec.since < youngest) break; // dispatched in order: the rest are younger
      if (rec.handlerAt === 0 || rec.abortReason !== undefined) continue;
      const ran = now - rec.handlerAt;
      if (!rec.shownRunning && ran >= RUNNING_AFTER_MS && rec.uuid) {
        rec.shownRunning = true;
        void this.deps.broker.begin(s, rec.entry.id, rec.uuid, this.deps.consumer, rec.attempt).catch(() => undefined);
      }
      if (ran >= s.timeoutMs) abortRecord(rec, new DocpipeError('retryable', 'DP_ERR_HANDLER_TIMEOUT', `handler exceeded its ${s.timeoutMs}ms timeout`));
    }
  }

  /**
   * Waits until enough handler slots are free to make a read worth its round trip: a batch, or half
   * the concurrency (so reads do not degrade to one entry each as handlers finish one by one).
   */
  private async waitForSlot(): Promise<void> {
    const want = Math.max(1, Math.min(this.stage.batch, Math.floor(this.stage.concurrency / 2)));
    while (this.stage.concurrency - this.inFlight.size < want && !this.suspects.length && !this.stopSignal.signal.aborted) {
      await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
    }
  }

  private releaseSlot(): void {
    if (this.slotWaiters.length === 0) return;
    const waiters = this.slotWaiters;
    this.slotWaiters = [];
    for (const w of waiters) w();
  }

  private async readLoop(): Promise<void> {
    const s = this.stage;
    const { reader, consumer, broker } = this.deps;
    let backlog = true;
    let cursor = '0-0';
    let failures = 0;
    while (!this.stopSignal.signal.aborted) {
      if (this.suspects.length) await this.runSuspects();
      await this.waitForSlot();
      if (this.stopSignal.signal.aborted) break;
      const count = Math.min(s.batch, s.concurrency - this.inFlight.size);
      try {
        const reply = backlog
          ? await reader.xreadgroup('GROUP', s.group, consumer, 'COUNT', count, 'STREAMS', s.stream, cursor)
          : await reader.xreadgroup('GROUP', s.group, consumer, 'COUNT', count, 'BLOCK', s.blockMs, 'STREAMS', s.stream, '>');
        failures = 0;
        const raw = (reply as Array<[string, Array<[string, string[] | null]>]> | null)?.[0]?.[1] ?? [];
        if (backlog) {
          if (raw.length === 0) backlog = false;
          else cursor = raw[raw.length - 1]![0];
        }
        this.dispatchBatch(parseEntries(raw));
      } catch (err) {
        if (this.stopSignal.signal.aborted) break;
        if (isNoGroupError(err)) {
          this.log.warn('consumer group missing (Redis lost its data?): recreating it');
          await broker.ensureGroup(s.stream, s.group).catch(() => undefined);
          backlog = true;
          cursor = '0-0';
          continue;
        }
        failures++;
        this.log.warn({ err: (err as Error).message }, 'read failed; backing off');
        await sleep(outageDelay(failures), this.stopSignal.signal);
      }
    }
  }

  /**
   * Starts a handler for each entry of a read batch. The guard's state read is one call for the
   * whole batch, sent at once; each message waits for it after its own checks.
   */
  private dispatchBatch(entries: readonly StreamEntry[], exclusive = false): void {
    if (entries.length === 0) return;
    const uuids: string[] = [];
    const slots: number[] = [];
    const records: InFlight[] = [];
    const since = Date.now();
    for (const entry of entries) {
      if (this.inFlight.has(entry.id)) continue;
      const uuidRaw = rawDocumentUuid(entry.list);
      const uuid = uuidRaw !== undefined && UUID.test(uuidRaw) ? uuidRaw.toLowerCase() : undefined;
      slots.push(uuid === undefined ? -1 : uuids.push(uuid) - 1);
      const rec: InFlight = {
        entry, since, uuidRaw, uuid, attempt: 1, handlerAt: 0, shownRunning: false, decided: false,
        abort: undefined, abortReason: undefined, fail: undefined, logger: undefined, after: undefined, done: Promise.resolve(),
      };
      if (uuid !== undefined) {
        rec.after = this.byDocument.get(uuid);
        this.byDocument.set(uuid, rec);
      }
      this.inFlight.set(entry.id, rec);
      this.undecided++;
      records.push(rec);
    }
    const batch: BatchStates = { states: uuids.length ? this.persist('state', () => this.deps.broker.states(uuids)) : undefined, slots };
    for (let i = 0; i < records.length; i++) records[i]!.done = this.run(records[i]!, exclusive, batch, i);
  }

  private async run(rec: InFlight, exclusive: boolean, batch: BatchStates, index: number): Promise<void> {
    const { gate } = this.deps;
    const shared = !exclusive;
    if (shared && !gate.tryEnterShared()) await gate.enterShared();
    try {
      await traceAttempt(this.stage, rec, () => this.process(rec, batch, index));
    } catch (err) {
      this.log.error({ err, msg_id: rec.entry.id }, 'message processing failed unexpectedly; the entry stays pending for reclaim');
    } finally {
      if (shared) gate.leaveShared();
      this.decide(rec);
      this.inFlight.delete(rec.entry.id);
      if (rec.uuid !== undefined && this.byDocument.get(rec.uuid) === rec) this.byDocument.delete(rec.uuid);
      this.releaseSlot();
    }
  }

  /** Marks a message as having reached its outcome; the last one of a burst flushes the handoffs. */
  private decide(rec: InFlight): void {
    if (rec.decided) return;
    rec.decided = true;
    this.undecided--;
    if (this.undecided === 0) this.handoffs.flushNow();
  }

  /** pino child logger for one message (made on first use: most messages log nothing). */
  logFor(rec: InFlight): Logger {
    return (rec.logger ??= this.log.child({ msg_id: rec.entry.id, document_uuid: rec.uuid, attempt: rec.attempt }));
  }

  private async heartbeat(): Promise<void> {
    await this.deps.broker.heartbeat(this.stage, this.deps.consumer, [...this.inFlight.keys()]);
  }

  /**
   * Takes over entries whose worker died. An entry that has already been delivered twice, or whose
   * next delivery is its last allowed, may be the one killing its workers: it is claimed only when
   * it can run alone in this process, so documents that merely shared a process with it are not
   * charged an attempt for each of its crashes (a claim counts as a delivery).
   */
  private async reclaim(): Promise<void> {
    const free = this.stage.concurrency - this.inFlight.size;
    if (free <= 0 || this.suspects.length) return;
    const idle = await this.deps.broker.idlePending(this.stage, free);
    const suspect = (d: number) => d >= 2 || d + 1 >= this.stage.retries.max;
    this.suspects.push(...idle.filter((e) => suspect(e.deliveries)));
    const entries = await this.deps.broker.claim(this.stage, this.deps.consumer, idle.filter((e) => !suspect(e.deliveries)));
    for (const e of entries) this.log.info({ msg_id: e.id, deliveries: e.deliveries }, 'reclaimed an entry from a dead worker');
    this.dispatchBatch(entries);
    if (this.suspects.length) this.releaseSlot();
  }

  private async runSuspects(): Promise<void> {
    await Promise.all([...this.inFlight.values()].map((f) => f.done));
    while (this.suspects.length && !this.stopSignal.signal.aborted) {
      const next = this.suspects.shift()!;
      await this.deps.gate.runExclusive(async () => {
        const [entry] = await this.deps.broker.claim(this.stage, this.deps.consumer, [next]);
        if (!entry) return; // taken by another worker meanwhile
        this.log.warn({ msg_id: entry.id, deliveries: entry.deliveries }, 'reclaimed a suspected crash-loop entry: running it alone');
        this.dispatchBatch([entry], true);
        await this.inFlight.get(entry.id)?.done;
      });
    }
  }

  private async promote(): Promise<void> {
    await this.deps.broker.promoteDue(this.stage);
  }

  /** Runs a Redis step until it succeeds: infrastructure outages never cost an attempt. */
  private async persist<T>(what: string, step: () => Promise<T>): Promise<T | undefined> {
    for (let failures = 1; ; failures++) {
      try {
        return await step();
      } catch (err) {
        if (this.hardStopped) return undefined;
        this.log.warn({ err: (err as Error).message, step: what }, 'redis step failed; retrying');
        await sleep(outageDelay(failures));
      }
    }
  }

  private async deadLetter(rec: InFlight, error: string, kind: string, code: ErrorCode, ownerCheck: boolean): Promise<void> {
    const s = this.stage;
    const { broker, consumer } = this.deps;
    this.decide(rec);
    const result = await this.persist('dead-letter', () =>
      broker.deadLetter(s, rec.entry.id, rec.uuid, consumer, rec.attempt, { fields: deadLetterFields(rec.entry.fields), error, errorKind: kind, errorCode: code, ownerCheck }),
    );
    this.logFor(rec).warn({ error, code, result }, 'dead-lettered');
    this.deps.onOutcome?.(s.name, result === 'stale' ? 'stale' : 'dead_lettered', 0, { code, error });
  }

  private async process(rec: InFlight, batch: BatchStates, index: number): Promise<void> {
    const s = this.stage;
    const { entry, uuid, uuidRaw } = rec;
    const { envelope, message: msg, problems } = decodeEntry(entry.list, this.decode);
    const attempt = (rec.attempt = envelope.attempt + Math.max(0, (entry.deliveries ?? 1) - 1));

    // 1. The message itself: size, envelope, document uuid, input schema.
    if (!entry.fits(s.maxMessageBytes)) return this.deadLetter(rec, `entry is ${entry.bytes} bytes, over the ${s.maxMessageBytes}-byte limit (messages carry ids and pointers, not text)`, 'invalid-message', 'DP_ERR_MESSAGE_INVALID', false);
    if (!uuid) return this.deadLetter(rec, uuidRaw === undefined ? 'missing field "document_uuid"' : `document_uuid "${uuidRaw.slice(0, 64)}" is not a uuid`, 'invalid-message', 'DP_ERR_MESSAGE_INVALID', false);
    if (problems) return this.deadLetter(rec, problems.join('; '), 'invalid-message', 'DP_ERR_MESSAGE_INVALID', false);
    msg['document_uuid'] = uuid;
    if (!this.rt.validateInput(msg)) return this.deadLetter(rec, `input schema: ${formatAjvErrors(this.rt.validateInput.errors)}`, 'invalid-message', 'DP_ERR_MESSAGE_INVALID', false);

    // 2. Attempts: a reclaimed entry's deliveries count, so a crash loop ends in the DLQ.
    if (attempt > s.retries.max) {
      const crashed = (entry.deliveries ?? 1) > 1;
      return this.deadLetter(
        rec,
        crashed ? `delivered ${entry.deliveries} times without finishing (its worker died each time); attempts exhausted (${s.retries.max})` : `attempts exhausted (${s.retries.max})`,
        'retries-exhausted', crashed ? 'DP_ERR_WORKER_CRASHED' : 'DP_ERR_RETRIES_EXHAUSTED', false,
      );
    }

    // 3. The state guard (read for the whole batch): skip a document that has moved past this stage,
    //    refuse an illegal move. A duplicate of a message still in flight here waits for it and reads
    //    the state again (so two copies in one batch do not both run the handler).
    let state: string | undefined;
    if (rec.after) {
      await rec.after.done;
      rec.after = undefined;
      state = (await this.persist('state', () => this.deps.broker.states([uuid])))?.[0];
    } else {
      const states = await batch.states;
      state = states === undefined ? undefined : (states[batch.slots[index]!] ?? NO_STATE);
    }
    if (state === undefined) return;
    if (!this.atStage.has(state)) {
      if (this.deps.machine.isPast(state, s.name)) {
        this.decide(rec);
        await this.persist('ack', () => this.deps.broker.ackSkipped(s, entry.id));
        this.logFor(rec).info({ state }, 'duplicate: the document is past this stage; acknowledged and skipped');
        this.deps.onOutcome?.(s.name, 'skipped', 0);
        return;
      }
      await this.deps.broker.countIllegal();
      this.logFor(rec).warn({ state, event: `${s.name}.START` }, 'illegal state transition rejected');
      this.deps.onOutcome?.(s.name, 'illegal', 0);
      return this.deadLetter(rec, `illegal transition: ${s.name}.START while the document is "${state}"`, 'illegal-transition', 'DP_ERR_STATE_ILLEGAL', false);
    }

    // 4. The handler, with its time limit; infrastructure failures re-run it without an attempt.
    const started = Date.now();
    const ctx = new HandlerContext(this, rec, uuid);
    for (let outage = 1; ; outage++) {
      let output: unknown;
      let error: unknown;
      let failed = false;
      rec.handlerAt = Date.now();
      try {
        // the handler's writes commit only with a valid output (see transaction.ts)
        output = this.transactional
          ? await inTransaction(this.deps.store, (store) => this.attempt(rec, msg as StageMessage, ctx, store))
          : await this.attempt(rec, msg as StageMessage, ctx, undefined);
      } catch (err) {
        failed = true;
        error = err;
      } finally {
        rec.fail = undefined;
        rec.handlerAt = 0;
        ctx.txStore = undefined;
      }
      if (this.hardStopped) return; // left pending: reclaimed after restart
      if (failed && error instanceof OutputRejected) {
        return this.deadLetter(rec, error.message, 'invalid-message', 'DP_ERR_MESSAGE_OUTPUT_INVALID', true);
      }
      if (!failed) {
        const out = output as Record<string, unknown>;
        const now = Date.now();
        const next = encodeEntry(out, { attempt: 1, trace: handoffTraceparent(envelope.trace), pipelineVersion: this.deps.pipelineVersion, now });
        const durationMs = now - started;
        const pending = this.handoffs.add({ entryId: entry.id, documentUuid: uuid, attempt, durationMs, next });
        this.decide(rec);
        const id = await pending;
        if (id === undefined) return; // shutting down with Redis away: left pending
        if (this.log.isLevelEnabled('debug')) this.logFor(rec).debug({ duration_ms: durationMs, next_id: id }, id ? 'stage done' : 'stale entry: the document had moved on');
        this.deps.onOutcome?.(s.name, id ? 'processed' : 'stale', durationMs);
        return;
      }
      const failure = classifyError(error);
      // an outage pauses without charging an attempt, but a dependency that never comes back
      // (a wrong endpoint) must not loop forever: past ~5 minutes of outage it counts again
      if (failure.kind === 'infrastructure' && outage <= MAX_OUTAGE_RERUNS) {
        this.logFor(rec).warn({ err: failure.message }, 'infrastructure failure (not counted as an attempt); retrying');
        await sleep(outageDelay(outage), this.stopSignal.signal);
        if (this.stopSignal.signal.aborted) return;
        continue;
      }
      if (failure.kind === 'permanent' || failure.kind === 'invalid-message' || failure.kind === 'config') {
        return this.deadLetter(rec, failure.message, failure.kind, failure.code, true);
      }
      if (attempt >= s.retries.max) {
        return this.deadLetter(rec, `${failure.message} (attempt ${attempt} of ${s.retries.max})`, 'retries-exhausted', failure.code === 'DP_ERR_HANDLER_TIMEOUT' ? failure.code : 'DP_ERR_RETRIES_EXHAUSTED', true);
      }
      return this.retry(rec, failure, envelope, uuid, started);
    }
  }

  /** True when the handler's store writes run in one transaction per attempt. */
  private get transactional(): boolean {
    return this.rt.handler.transaction !== false && this.deps.store.transactions !== false;
  }

  /**
   * One run of the handler (with `store` as its `ctx.store` when in a transaction): its output, once
   * it is an object that fits the stage's output schema and the next stage's input. Rejects on the
   * handler's error, its abort (timeout or hard stop), or an invalid output (OutputRejected).
   */
  private async attempt(rec: InFlight, msg: StageMessage, ctx: HandlerContext, store: Store | undefined): Promise<Record<string, unknown>> {
    const s = this.stage;
    ctx.txStore = store;
    // the handler's promise, or the abort (timeout or hard stop) if that comes first
    const output = await new Promise<unknown>((resolve, reject) => {
      if (rec.abortReason !== undefined) return reject(rec.abortReason);
      rec.fail = reject;
      const result = this.rt.handler.run(msg, ctx) as unknown;
      if (result !== null && typeof result === 'object' && typeof (result as PromiseLike<unknown>).then === 'function') (result as PromiseLike<unknown>).then(resolve, reject);
      else resolve(result);
    });
    if (!output || typeof output !== 'object' || Array.isArray(output)) {
      throw new DocpipeError('permanent', 'DP_ERR_MESSAGE_OUTPUT_INVALID', `handler of stage "${s.name}" returned ${JSON.stringify(output)?.slice(0, 100)}, not an object`);
    }
    const out = output as Record<string, unknown>;
    const own = this.rt.validateOwnOutput;
    if (own && !own(out)) throw new OutputRejected(`output of stage "${s.name}" fails its output schema: ${formatAjvErrors(own.errors)}`);
    if (this.rt.validateOutput && !this.rt.validateOutput(out)) {
      throw new OutputRejected(`output of stage "${s.name}" fails the next input schema: ${formatAjvErrors(this.rt.validateOutput.errors)}`);
    }
    return out;
  }

  /** Schedules the next attempt after the stage's backoff (the failed entry is acknowledged with it). */
  private async retry(rec: InFlight, failure: ReturnType<typeof classifyError>, envelope: Envelope, uuid: string, started: number): Promise<void> {
    const s = this.stage;
    const { entry, attempt } = rec;
    this.decide(rec);
    const delay = retryDelay(s.retries, attempt);
    const { payload } = splitEnvelope(entry.fields);
    const again: Fields = withEnvelope(payload, { attempt: attempt + 1, trace: retryTraceparent(envelope.trace), pipelineVersion: envelope.pipelineVersion ?? this.deps.pipelineVersion, now: Date.now() });
    const scheduled = await this.persist('retry', () => this.deps.broker.retry(s, entry.id, uuid, this.deps.consumer, attempt, Date.now() + delay, again, failure.message.slice(0, 2000)));
    this.logFor(rec).warn({ err: failure.message, code: failure.code, retry_in_ms: delay, scheduled }, 'attempt failed; retry scheduled');
    this.deps.onOutcome?.(s.name, 'retried', Date.now() - started, { code: failure.code, error: failure.message });
  }
}

/** A handler's output that fails its schema: dead-lettered, and its transaction rolled back. */
class OutputRejected extends Error {}

/** Aborts a message's handler: its signal (if it asked for one) and its wait. */
function abortRecord(rec: InFlight, reason: unknown): void {
  if (rec.abortReason !== undefined) return;
  rec.abortReason = reason;
  rec.abort?.abort(reason);
  rec.fail?.(reason);
}

export type { StageMessage };
