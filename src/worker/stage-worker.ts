import type { ValidateFunction } from 'ajv/dist/2020.js';
import type { Logger } from 'pino';
import type { StageDefinition, StageMessage } from '../api/stage.ts';
import type { StageConfig } from '../config/types.ts';
import { DocpipeError } from '../errors.ts';
import { decodeEntry, payloadDecoder, type PayloadDecoder } from '../messages/codec.ts';
import { formatAjvErrors, type JsonSchema } from '../messages/schemas.ts';
import type { Providers } from '../providers/types.ts';
import { parseEntries, type Broker, type StreamEntry } from '../streams/broker.ts';
import { isNoGroupError, type RedisClient } from '../streams/redis.ts';
import { NO_STATE, stageEvent, type DocumentMachine } from '../state/machine.ts';
import type { Store } from '../store/db.ts';
import { outageDelay } from './backoff.ts';
import { sleep } from '../util/sleep.ts';
import type { ProcessGate } from './gate.ts';
import { abortRecord, HandlerContext } from './handler-context.ts';
import { HandoffBatcher } from './handoff-batcher.ts';
import { runHandler } from './handler-run.ts';
import { Housekeeping } from './housekeeping.ts';
import { InFlightTable, type InFlight } from './in-flight.ts';
import { Settler } from './settle.ts';
import type { OutcomeObserver } from './observer.ts';
import { verdict, type Facts, type Outcome } from './verdict.ts';
import { traceAttempt } from '../telemetry/spans.ts';

export type { Outcome };

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
  onOutcome?: OutcomeObserver | undefined;
}

/** Where a dispatched batch's guard read lands: one call for the whole read batch. */
interface BatchStates {
  states: Promise<string[] | undefined> | undefined;
  /** Index of each entry's document in the states reply (-1: the entry has no usable uuid). */
  slots: number[];
}

/**
 * One stage's worker in this process: reads its own backlog, then new entries (batched, blocking),
 * runs up to `concurrency` handlers and executes each message's verdict (verdict.ts); the timers
 * (heartbeat, reclaim, promote, trim…) are in housekeeping.ts.
 */
export class StageWorker {
  readonly stage: StageConfig;
  readonly deps: WorkerDeps;
  readonly log: Logger;
  readonly table = new InFlightTable();
  private readonly rt: StageRuntime;
  private readonly decode: PayloadDecoder;
  private readonly stopSignal = new AbortController();
  private hardStopped = false;
  private loops: Promise<void>[] = [];
  private readonly handoffs: HandoffBatcher;
  private readonly housekeeping: Housekeeping;
  private readonly settler: Settler;
  /** States in which a message for this stage may run (this stage's queued/running/retrying, or none yet). */
  private readonly atStage: ReadonlySet<string>;

  constructor(rt: StageRuntime, deps: WorkerDeps) {
    this.rt = rt;
    this.stage = rt.stage;
    this.deps = deps;
    this.log = deps.log.child({ stage: rt.stage.name });
    this.decode = payloadDecoder(rt.inputSchema);
    this.atStage = new Set(deps.machine.legalFrom(stageEvent(rt.stage.name, 'START')));
    this.handoffs = new HandoffBatcher(
      (items) => deps.broker.handoff(rt.stage, deps.consumer, items),
      this.log,
      () => this.hardStopped,
    );
    this.housekeeping = new Housekeeping({
      stage: this.stage,
      deps,
      log: this.log,
      table: this.table,
      stopped: this.stopSignal.signal,
      dispatch: (entries, exclusive) => this.dispatchBatch(entries, exclusive),
    });
    this.settler = new Settler({
      stage: this.stage,
      deps,
      log: this.log,
      handoffs: this.handoffs,
      decide: (rec) => this.decide(rec),
      logFor: (rec) => this.logFor(rec),
      persist: (what, step) => this.persist(what, step),
    });
  }

  get busy(): number {
    return this.table.size;
  }

  start(): void {
    this.loops.push(this.readLoop());
    this.housekeeping.start();
  }

  /** Stops reading; waits up to `graceMs` for in-flight handlers, then aborts them (left pending for reclaim). */
  async stop(graceMs: number): Promise<void> {
    if (this.stopSignal.signal.aborted) return;
    this.stopSignal.abort();
    this.housekeeping.stopTasks();
    this.table.releaseSlot();
    this.deps.reader.disconnect();
    // The read loop ends first: a batch it had already received is dispatched, and finished below
    // (those entries are pending on this consumer). A read that never settles (the connection torn
    // down mid-reconnect) must not hang shutdown.
    await Promise.race([Promise.allSettled(this.loops), sleep(5_000)]);
    const deadline = Date.now() + graceMs;
    while (this.table.size > 0 && Date.now() < deadline) {
      await Promise.race([this.table.settled(), sleep(Math.max(0, deadline - Date.now()))]);
    }
    this.housekeeping.stopSweep();
    if (this.table.size > 0) {
      this.hardStopped = true;
      this.log.warn(
        { in_flight: this.table.size },
        'grace period over: aborting in-flight handlers (their entries stay pending for reclaim)',
      );
      for (const f of this.table.records())
        abortRecord(f, new DocpipeError('infrastructure', 'DP_ERR_HANDLER_FAILED', 'worker shutting down'));
      await Promise.race([this.table.settled(), sleep(2_000)]);
      await this.housekeeping.retire();
      return;
    }
    // a last trim, so a stopped pipeline does not hold what its groups have all acknowledged
    // (never unread or pending entries: see Broker.trim); skipped when Redis does not answer soon
    await Promise.race([this.deps.broker.trim(this.stage.stream).catch(() => 0), sleep(2_000)]);
    await this.housekeeping.retire();
  }

  /**
   * Waits until enough handler slots are free to make a read worth its round trip: a batch, or half
   * the concurrency (so reads do not degrade to one entry each as handlers finish one by one).
   */
  private async waitForSlot(): Promise<void> {
    const want = Math.max(1, Math.min(this.stage.batch, Math.floor(this.stage.concurrency / 2)));
    while (this.stage.concurrency - this.table.size < want && !this.table.suspects.length && !this.stopSignal.signal.aborted) {
      await this.table.waitForRelease();
    }
  }

  private async readLoop(): Promise<void> {
    const s = this.stage;
    const { reader, consumer, broker } = this.deps;
    let backlog = true;
    let cursor = '0-0';
    let failures = 0;
    while (!this.stopSignal.signal.aborted) {
      if (this.table.suspects.length) await this.housekeeping.runSuspects();
      await this.waitForSlot();
      if (this.stopSignal.signal.aborted) break;
      const count = Math.min(s.batch, s.concurrency - this.table.size);
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
      if (this.table.has(entry.id)) continue;
      const rec = this.table.add(entry, since);
      slots.push(rec.uuid === undefined ? -1 : uuids.push(rec.uuid) - 1);
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
      await traceAttempt(this.stage, rec, (trace) => ((rec.trace = trace), this.process(rec, batch, index)));
    } catch (err) {
      this.log.error({ err, msg_id: rec.entry.id }, 'message processing failed unexpectedly; the entry stays pending for reclaim');
    } finally {
      if (shared) gate.leaveShared();
      this.decide(rec);
      this.table.remove(rec);
    }
  }

  /** Marks a message as having reached its outcome; the last one of a burst flushes the handoffs. */
  private decide(rec: InFlight): void {
    if (this.table.decide(rec)) this.handoffs.flushNow();
  }

  /** pino child logger for one message (made on first use: most messages log nothing). */
  logFor(rec: InFlight): Logger {
    return (rec.logger ??= this.log.child({ msg_id: rec.entry.id, document_uuid: rec.uuid, attempt: rec.attempt }));
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

  /** Gathers the facts of one message step by step and executes its verdict (verdict.ts). */
  private async process(rec: InFlight, batch: BatchStates, index: number): Promise<void> {
    const s = this.stage;
    const { entry, uuid } = rec;
    const { envelope, message: msg, problems } = decodeEntry(entry.list, this.decode);
    const deliveries = entry.deliveries ?? 1;
    const attempt = (rec.attempt = envelope.attempt + Math.max(0, deliveries - 1));
    const fits = entry.fits(s.maxMessageBytes);
    let inputErrors: string | undefined;
    if (fits && uuid && !problems) {
      msg['document_uuid'] = uuid;
      if (!this.rt.validateInput(msg)) inputErrors = formatAjvErrors(this.rt.validateInput.errors);
    }
    const facts: Facts = {
      stage: s.name,
      oversize: fits ? undefined : { bytes: entry.bytes, max: s.maxMessageBytes },
      uuidRaw: rec.uuidRaw,
      uuid,
      problems,
      inputErrors,
      attempt,
      deliveries,
      retries: s.retries,
    };
    let v = verdict(facts);
    if (v.type === 'read-state') {
      facts.guard = await this.readGuard(rec, batch, index);
      v = verdict(facts);
    }
    const started = Date.now();
    if (v.type === 'run') {
      const ctx = new HandlerContext(this, rec, uuid!);
      let output: Record<string, unknown> | undefined;
      for (let outage = 1; v.type === 'run' || v.type === 'rerun'; outage++) {
        if (v.type === 'rerun') {
          this.logFor(rec).warn({ err: v.reason }, 'infrastructure failure (not counted as an attempt); retrying');
          await sleep(v.delayMs, this.stopSignal.signal);
          if (this.stopSignal.signal.aborted) return;
        }
        [facts.run, output] = await runHandler(this.rt, this.deps.store, rec, msg as StageMessage, ctx, outage, () => this.hardStopped);
        v = verdict(facts);
      }
      if (v.type === 'handoff') return this.settler.handoff(rec, envelope, output!, started);
    }
    if (v.type === 'read-state' || v.type === 'rerun' || v.type === 'handoff') throw new Error(`verdict "${v.type}" after the handler ran`);
    return this.settler.execute(rec, v, envelope, started);
  }

  /** The guard's facts: the document's state from the batch read (or read again after a duplicate ahead of it). */
  private async readGuard(rec: InFlight, batch: BatchStates, index: number): Promise<Facts['guard']> {
    let state: string | undefined;
    // a duplicate of a message still in flight here waits for it and reads the state again (so two
    // copies in one batch do not both run the handler)
    if (rec.after) {
      await rec.after.done;
      rec.after = undefined;
      state = (await this.persist('state', () => this.deps.broker.states([rec.uuid!])))?.[0];
    } else {
      const states = await batch.states;
      state = states === undefined ? undefined : (states[batch.slots[index]!] ?? NO_STATE);
    }
    if (state === undefined) return { state };
    const atStage = this.atStage.has(state);
    return { state, atStage, past: !atStage && this.deps.machine.isPast(state, this.stage.name) };
  }
}

export type { StageMessage };
