import type { ValidateFunction } from 'ajv/dist/2020.js';
import type { Logger } from 'pino';
import type { StageContext, StageDefinition, StageMessage } from '../api/stage.ts';
import type { StageConfig } from '../config/types.ts';
import { classifyError, DocpipeError, type ErrorCode } from '../errors.ts';
import { decodePayload, encodePayload, nextTraceparent, splitEnvelope, withEnvelope, type Envelope, type Fields } from '../messages/codec.ts';
import { formatAjvErrors, type JsonSchema } from '../messages/schemas.ts';
import type { Providers } from '../providers/types.ts';
import { parseEntries, type Broker, type StreamEntry } from '../streams/broker.ts';
import { HandoffBatcher } from './handoff-batcher.ts';
import { isNoGroupError, type RedisClient } from '../streams/redis.ts';
import { stageEvent, type DocumentMachine } from '../state/machine.ts';
import type { Store } from '../store/db.ts';
import { outageDelay, retryDelay, sleep } from './backoff.ts';
import type { ProcessGate } from './gate.ts';

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
  onOutcome?: (stage: string, outcome: Outcome, durationMs: number) => void;
}

export type Outcome = 'processed' | 'retried' | 'dead_lettered' | 'skipped' | 'illegal' | 'stale';

interface InFlight {
  entry: StreamEntry;
  abort: AbortController;
  done: Promise<void>;
}

/**
 * One stage's worker in this process: reads its own backlog, then new entries (batched, blocking),
 * runs up to `concurrency` handlers, heartbeats their claims, reclaims dead workers' entries,
 * promotes due retries and trims acknowledged entries.
 */
export class StageWorker {
  readonly stage: StageConfig;
  private readonly rt: StageRuntime;
  private readonly deps: WorkerDeps;
  private readonly log: Logger;
  private readonly inFlight = new Map<string, InFlight>();
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

  constructor(rt: StageRuntime, deps: WorkerDeps) {
    this.rt = rt;
    this.stage = rt.stage;
    this.deps = deps;
    this.log = deps.log.child({ stage: rt.stage.name });
    this.atStage = new Set(deps.machine.legalFrom(stageEvent(rt.stage.name, 'START')));
    this.handoffs = new HandoffBatcher((items) => deps.broker.handoff(rt.stage, deps.consumer, items), this.log, () => this.hardStopped);
  }

  get busy(): number {
    return this.inFlight.size;
  }

  start(): void {
    const s = this.stage;
    this.loops.push(this.readLoop());
    this.every(Math.max(500, Math.min(s.idleMs / 3, 30_000)), () => this.heartbeat());
    this.every(Math.max(500, Math.min(s.idleMs / 2, 30_000)), () => this.reclaim());
    this.every(Math.max(50, Math.min(s.retries.delayMs / 4, 500)), () => this.promote());
    this.every(5_000, () => this.deps.broker.trim(s.stream).then(() => undefined));
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
    if (this.inFlight.size > 0) {
      this.hardStopped = true;
      this.log.warn({ in_flight: this.inFlight.size }, 'grace period over: aborting in-flight handlers (their entries stay pending for reclaim)');
      for (const f of this.inFlight.values()) f.abort.abort(new DocpipeError('infrastructure', 'DP_ERR_HANDLER_FAILED', 'worker shutting down'));
      await Promise.race([settled(), sleep(2_000)]);
    }
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
        for (const entry of parseEntries(raw)) this.dispatch(entry);
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

  private dispatch(entry: StreamEntry, exclusive = false): void {
    if (this.inFlight.has(entry.id)) return;
    const abort = new AbortController();
    const record: InFlight = { entry, abort, done: Promise.resolve() };
    this.inFlight.set(entry.id, record);
    const { gate } = this.deps;
    const run = async () => {
      if (exclusive) return this.process(entry, abort);
      await gate.enterShared();
      try {
        return await this.process(entry, abort);
      } finally {
        gate.leaveShared();
      }
    };
    record.done = run()
      .catch((err: unknown) => this.log.error({ err, msg_id: entry.id }, 'message processing failed unexpectedly; the entry stays pending for reclaim'))
      .finally(() => {
        this.inFlight.delete(entry.id);
        this.releaseSlot();
      });
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
    for (const e of entries) {
      this.log.info({ msg_id: e.id, deliveries: e.deliveries }, 'reclaimed an entry from a dead worker');
      this.dispatch(e);
    }
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
        this.dispatch(entry, true);
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

  private async process(entry: StreamEntry, abort: AbortController): Promise<void> {
    const s = this.stage;
    const { broker, consumer } = this.deps;
    const { envelope, payload, problems } = splitEnvelope(entry.fields);
    const uuidRaw = payload['document_uuid'];
    const uuid = uuidRaw && UUID.test(uuidRaw) ? uuidRaw.toLowerCase() : undefined;
    const attempt = envelope.attempt + Math.max(0, (entry.deliveries ?? 1) - 1);
    let child: Logger | undefined;
    const log = (): Logger => (child ??= this.log.child({ msg_id: entry.id, document_uuid: uuid, attempt }));

    const deadLetter = async (error: string, kind: string, code: ErrorCode, ownerCheck: boolean): Promise<void> => {
      const result = await this.persist('dead-letter', () =>
        broker.deadLetter(s, entry.id, uuid, consumer, attempt, { fields: entry.fields, error, errorKind: kind, errorCode: code, ownerCheck }),
      );
      log().warn({ error, code, result }, 'dead-lettered');
      this.deps.onOutcome?.(s.name, result === 'stale' ? 'stale' : 'dead_lettered', 0);
    };

    // 1. The message itself: size, envelope, document uuid, input schema.
    if (entry.bytes > s.maxMessageBytes) return deadLetter(`entry is ${entry.bytes} bytes, over the ${s.maxMessageBytes}-byte limit (messages carry ids and pointers, not text)`, 'invalid-message', 'DP_ERR_MESSAGE_INVALID', false);
    if (!uuid) return deadLetter(uuidRaw === undefined ? 'missing field "document_uuid"' : `document_uuid "${uuidRaw.slice(0, 64)}" is not a uuid`, 'invalid-message', 'DP_ERR_MESSAGE_INVALID', false);
    if (problems.length) return deadLetter(problems.join('; '), 'invalid-message', 'DP_ERR_MESSAGE_INVALID', false);
    const msg = decodePayload(payload, this.rt.inputSchema);
    msg['document_uuid'] = uuid;
    if (!this.rt.validateInput(msg)) return deadLetter(`input schema: ${formatAjvErrors(this.rt.validateInput.errors)}`, 'invalid-message', 'DP_ERR_MESSAGE_INVALID', false);

    // 2. Attempts: a reclaimed entry's deliveries count, so a crash loop ends in the DLQ.
    if (attempt > s.retries.max) {
      const crashed = (entry.deliveries ?? 1) > 1;
      return deadLetter(
        crashed ? `delivered ${entry.deliveries} times without finishing (its worker died each time); attempts exhausted (${s.retries.max})` : `attempts exhausted (${s.retries.max})`,
        'retries-exhausted', crashed ? 'DP_ERR_WORKER_CRASHED' : 'DP_ERR_RETRIES_EXHAUSTED', false,
      );
    }

    // 3. The state guard: skip a document that has moved past this stage, refuse an illegal move.
    const state = await this.persist('state', () => broker.state(uuid));
    if (state === undefined) return;
    if (!this.atStage.has(state)) {
      if (this.deps.machine.isPast(state, s.name)) {
        await this.persist('ack', () => broker.ackSkipped(s, entry.id));
        log().info({ state }, 'duplicate: the document is past this stage; acknowledged and skipped');
        this.deps.onOutcome?.(s.name, 'skipped', 0);
        return;
      }
      await broker.countIllegal();
      log().warn({ state, event: `${s.name}.START` }, 'illegal state transition rejected');
      this.deps.onOutcome?.(s.name, 'illegal', 0);
      return deadLetter(`illegal transition: ${s.name}.START while the document is "${state}"`, 'illegal-transition', 'DP_ERR_STATE_ILLEGAL', false);
    }

    // 4. The handler, with its time limit; infrastructure failures re-run it without an attempt.
    const started = Date.now();
    // A handler still running after a moment shows as "<stage>.running" with its consumer; fast ones
    // go from queued to the next stage in one step (their history records the run and its duration).
    const showRunning = setTimeout(() => {
      void broker.begin(s, entry.id, uuid, consumer, attempt).catch(() => undefined);
    }, RUNNING_AFTER_MS);
    try {
      return await this.runToOutcome(entry, msg as StageMessage, { uuid, attempt, envelope, payload, started, abort, log, deadLetter });
    } finally {
      clearTimeout(showRunning);
    }
  }

  private async runToOutcome(
    entry: StreamEntry,
    msg: StageMessage,
    c: { uuid: string; attempt: number; envelope: Envelope; payload: Fields; started: number; abort: AbortController; log: () => Logger; deadLetter: (error: string, kind: string, code: ErrorCode, ownerCheck: boolean) => Promise<void> },
  ): Promise<void> {
    const s = this.stage;
    const { broker, consumer } = this.deps;
    const { uuid, attempt, envelope, payload, started, abort, log, deadLetter } = c;
    for (let outage = 1; ; outage++) {
      const result = await this.runHandler(msg, entry, attempt, abort, log);
      if (this.hardStopped) return; // left pending: reclaimed after restart
      if (result.ok) {
        const output = result.output;
        if (this.rt.validateOutput && !this.rt.validateOutput(output)) {
          return deadLetter(`output of stage "${s.name}" fails the next input schema: ${formatAjvErrors(this.rt.validateOutput.errors)}`, 'invalid-message', 'DP_ERR_MESSAGE_OUTPUT_INVALID', true);
        }
        const next = withEnvelope(encodePayload(output), { attempt: 1, trace: nextTraceparent(envelope.trace), pipelineVersion: this.deps.pipelineVersion, now: Date.now() });
        const durationMs = Date.now() - started;
        const id = await this.handoffs.add({ entryId: entry.id, documentUuid: uuid, attempt, durationMs, next });
        if (id === undefined) return; // shutting down with Redis away: left pending
        if (this.log.isLevelEnabled('debug')) log().debug({ duration_ms: durationMs, next_id: id }, id ? 'stage done' : 'stale entry: the document had moved on');
        this.deps.onOutcome?.(s.name, id ? 'processed' : 'stale', durationMs);
        return;
      }
      const failure = classifyError(result.error);
      // an outage pauses without charging an attempt, but a dependency that never comes back
      // (a wrong endpoint) must not loop forever: past ~5 minutes of outage it counts again
      if (failure.kind === 'infrastructure' && outage <= MAX_OUTAGE_RERUNS) {
        log().warn({ err: failure.message }, 'infrastructure failure (not counted as an attempt); retrying');
        await sleep(outageDelay(outage), this.stopSignal.signal);
        if (this.stopSignal.signal.aborted) return;
        continue;
      }
      if (failure.kind === 'permanent' || failure.kind === 'invalid-message' || failure.kind === 'config') {
        return deadLetter(failure.message, failure.kind, failure.code, true);
      }
      if (attempt >= s.retries.max) {
        return deadLetter(`${failure.message} (attempt ${attempt} of ${s.retries.max})`, 'retries-exhausted', failure.code === 'DP_ERR_HANDLER_TIMEOUT' ? failure.code : 'DP_ERR_RETRIES_EXHAUSTED', true);
      }
      const delay = retryDelay(s.retries, attempt);
      const again: Fields = withEnvelope(payload, { attempt: attempt + 1, trace: envelope.trace ?? nextTraceparent(undefined), pipelineVersion: envelope.pipelineVersion ?? this.deps.pipelineVersion, now: Date.now() });
      const scheduled = await this.persist('retry', () => broker.retry(s, entry.id, uuid, consumer, attempt, Date.now() + delay, again, failure.message.slice(0, 2000)));
      log().warn({ err: failure.message, code: failure.code, retry_in_ms: delay, scheduled }, 'attempt failed; retry scheduled');
      this.deps.onOutcome?.(s.name, 'retried', Date.now() - started);
      return;
    }
  }

  private async runHandler(msg: StageMessage, entry: StreamEntry, attempt: number, abort: AbortController, log: () => Logger): Promise<{ ok: true; output: Record<string, unknown> } | { ok: false; error: unknown }> {
    const s = this.stage;
    const timer = setTimeout(() => abort.abort(new DocpipeError('retryable', 'DP_ERR_HANDLER_TIMEOUT', `handler exceeded its ${s.timeoutMs}ms timeout`)), s.timeoutMs);
    const ctx: StageContext = {
      stage: s.name,
      documentUuid: msg.document_uuid,
      messageId: entry.id,
      attempt,
      maxAttempts: s.retries.max,
      signal: abort.signal,
      get log() {
        return log();
      },
      store: this.deps.store,
      providers: this.deps.providers,
      llm: this.deps.providers.llm,
      options: s.options,
      heartbeat: () => this.deps.broker.heartbeat(s, this.deps.consumer, [entry.id]),
    };
    try {
      const aborted = new Promise<never>((_, reject) => {
        if (abort.signal.aborted) reject(abort.signal.reason);
        abort.signal.addEventListener('abort', () => reject(abort.signal.reason), { once: true });
      });
      aborted.catch(() => undefined);
      const output = await Promise.race([this.rt.handler.run(msg, ctx), aborted]);
      if (!output || typeof output !== 'object' || Array.isArray(output)) {
        return { ok: false, error: new DocpipeError('permanent', 'DP_ERR_MESSAGE_OUTPUT_INVALID', `handler of stage "${s.name}" returned ${JSON.stringify(output)?.slice(0, 100)}, not an object`) };
      }
      return { ok: true, output: output as Record<string, unknown> };
    } catch (error) {
      return { ok: false, error };
    } finally {
      clearTimeout(timer);
    }
  }
}

export type { StageMessage };
