import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { PipelineConfig } from '../config/types.ts';
import { createProviders } from '../providers/index.ts';
import { sqlLlmCache } from '../store/llm-cache.ts';
import type { FileSourceOptions } from '../providers/files.ts';
import type { Providers } from '../providers/types.ts';
import { Broker } from '../streams/broker.ts';
import { connectRedis, type RedisClient } from '../streams/redis.ts';
import { createDocumentMachine, type DocumentMachine } from '../state/machine.ts';
import type { Store } from '../store/db.ts';
import { sleep } from '../util/sleep.ts';
import { ProcessGate } from './gate.ts';
import { loadStageRuntimes } from './load-stages.ts';
import type { OutcomeObserver } from './observer.ts';
import { StageWorker, type StageRuntime } from './stage-worker.ts';
import { flushTracing } from '../telemetry/tracing.ts';

export interface RunnerOptions {
  /** Only these stages (default: all). */
  stages?: readonly string[];
  /** Consumer name (default `<host>-<pid>-<random>`): unique per process. */
  consumer?: string;
  log: Logger;
  store: Store;
  /** Extra allowed file roots (the folders given to --input). */
  extraRoots?: readonly string[];
  remote?: FileSourceOptions['remote'];
  onOutcome?: OutcomeObserver;
  /** Stage runtimes loaded beforehand (`loadStageRuntimes`), so configuration errors surface before anything opens. */
  runtimes?: StageRuntime[];
}

function defaultConsumerName(): string {
  return `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

/** The stage workers of one process, built from the pipeline config (DESIGN §1: build, then run). */
export class Runner {
  readonly config: PipelineConfig;
  readonly broker: Broker;
  readonly redis: RedisClient;
  readonly machine: DocumentMachine;
  readonly consumer: string;
  readonly providers: Providers;
  private readonly workers: StageWorker[];
  private readonly readers: RedisClient[];
  private readonly log: Logger;
  private readonly closers: Array<() => Promise<void>>;
  private stopped = false;

  private constructor(init: {
    config: PipelineConfig;
    broker: Broker;
    redis: RedisClient;
    machine: DocumentMachine;
    consumer: string;
    providers: Providers;
    workers: StageWorker[];
    readers: RedisClient[];
    log: Logger;
    closers: Array<() => Promise<void>>;
  }) {
    this.config = init.config;
    this.broker = init.broker;
    this.redis = init.redis;
    this.machine = init.machine;
    this.consumer = init.consumer;
    this.providers = init.providers;
    this.workers = init.workers;
    this.readers = init.readers;
    this.log = init.log;
    this.closers = init.closers;
  }

  /**
   * Loads the stages, connects Redis, runs every stage's `setup()`. When a step fails, what the
   * earlier steps opened is closed again (stages set up so far, Redis connections) before the error
   * is thrown: a failed start leaves nothing running. A failing `setup()` is named after its stage.
   */
  static async create(config: PipelineConfig, options: RunnerOptions): Promise<Runner> {
    const log = options.log;
    const consumer = options.consumer ?? defaultConsumerName();
    const runtimes = options.runtimes ?? (await loadStageRuntimes(config, options.stages));
    const onOutcome = options.onOutcome;
    const machine = createDocumentMachine(config.stages.map((s) => s.name));
    const redis = connectRedis(config.redis, log, `docpipe:${consumer}`);
    const readers: RedisClient[] = [];
    const workers: StageWorker[] = [];
    const closers: Array<() => Promise<void>> = [];
    try {
      const broker = new Broker(redis, config, machine);
      await broker.ensureGroups(runtimes.map((r) => r.stage));
      const providers = createProviders(config, {
        llmCache: options.store.sql ? sqlLlmCache(options.store.sql) : undefined,
        extraRoots: options.extraRoots,
        remote: options.remote,
      });
      const gate = new ProcessGate();
      for (const rt of runtimes) {
        if (rt.handler.setup) {
          try {
            await rt.handler.setup({
              stage: rt.stage.name,
              log: log.child({ stage: rt.stage.name }),
              store: options.store,
              providers,
              options: rt.stage.options,
            });
          } catch (err) {
            throw new Error(`stage "${rt.stage.name}": setup() failed: ${(err as Error).message}`, { cause: err });
          }
        }
        if (rt.handler.close) closers.push(() => rt.handler.close!());
        const reader = connectRedis(config.redis, log, `docpipe:${consumer}:read:${rt.stage.name}`);
        readers.push(reader);
        workers.push(
          new StageWorker(rt, {
            broker,
            reader,
            machine,
            consumer,
            pipelineVersion: config.pipelineVersion,
            log,
            store: options.store,
            providers,
            gate,
            onOutcome,
          }),
        );
      }
      return new Runner({ config, broker, redis, machine, consumer, providers, workers, readers, log, closers });
    } catch (err) {
      for (const close of closers.reverse())
        await close().catch((e: unknown) => log.warn({ err: (e as Error).message }, 'stage close failed'));
      for (const r of readers) r.disconnect();
      redis.disconnect();
      throw err;
    }
  }

  get stageNames(): string[] {
    return this.workers.map((w) => w.stage.name);
  }

  start(): void {
    for (const w of this.workers) w.start();
    this.log.info(
      { consumer: this.consumer, stages: this.stageNames, pipeline: this.config.name, version: this.config.pipelineVersion },
      'workers started',
    );
  }

  inFlight(): number {
    return this.workers.reduce((n, w) => n + w.busy, 0);
  }

  /** Resolves once every stream of the pipeline is drained, nothing pending, nothing scheduled (twice in a row). */
  async waitUntilIdle(signal?: AbortSignal, extraIdle: () => Promise<boolean> = async () => true): Promise<void> {
    let quiet = 0;
    while (!signal?.aborted) {
      await sleep(300, signal);
      try {
        const idle = this.inFlight() === 0 && (await this.broker.isIdle()) && (await extraIdle());
        quiet = idle ? quiet + 1 : 0;
        if (quiet >= 2) return;
      } catch (err) {
        quiet = 0;
        this.log.debug({ err: (err as Error).message }, 'idle check failed');
      }
    }
  }

  /** Graceful stop: no new reads; in-flight handlers finish (or are aborted after `graceMs`); stages closed. */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await Promise.all(this.workers.map((w) => w.stop(graceMs)));
    for (const close of this.closers) await close().catch((err: unknown) => this.log.warn({ err }, 'stage close failed'));
    for (const r of this.readers) r.disconnect();
    await flushTracing();
    this.log.info('workers stopped');
  }

  /** Closes the command connection (after `stop`; reads such as the summary may run in between). */
  async close(): Promise<void> {
    await this.stop();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  async redisDoc(documentUuid: string): Promise<Record<string, string>> {
    return this.redis.hgetall(this.broker.keys.doc(documentUuid));
  }

  async redisState(documentUuid: string): Promise<string | null> {
    return this.redis.hget(this.broker.keys.doc(documentUuid), 'state');
  }
}
