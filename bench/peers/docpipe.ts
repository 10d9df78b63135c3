import path from 'node:path';
import { Redis } from 'ioredis';
import { loadPipeline } from '../../src/config/load.ts';
import type { PipelineConfig } from '../../src/config/types.ts';
import { encodePayload, nextTraceparent, withEnvelope } from '../../src/messages/codec.ts';
import { createDocumentMachine } from '../../src/state/machine.ts';
import { Broker } from '../../src/streams/broker.ts';
import { defineScripts } from '../../src/streams/scripts.ts';
import { startWorker, type WorkerProcess } from '../lib/child.ts';
import type { BenchDoc } from '../lib/messages.ts';
import { field, followStream, groupStarted } from './streams.ts';
import type { Mode, Peer, PeerContext, Watcher } from './types.ts';

export const DOCPIPE_PREFIX = 'bench';

export interface DocpipeOptions {
  concurrency: number;
  batch: number;
  logLevel: string | undefined;
  /** Extra node flags for the docpipe-run process (e.g. --cpu-prof). */
  nodeFlags: string[];
  /** Extra environment for the docpipe-run process (e.g. OTEL_* to turn tracing on). */
  env?: Record<string, string>;
}

/**
 * docpipe as a user runs it: the `docpipe-run` CLI on bench/pipelines/noop6.yaml (validation and the
 * state machine on). Documents are submitted through the runtime's own submit script (the path
 * queue intake and `docpipe submit` take), so each one starts with its state hash.
 */
export class DocpipePeer implements Peer {
  readonly name = 'docpipe' as const;
  readonly settings: string;
  private readonly config: PipelineConfig;
  private readonly broker: Broker;
  private readonly conn: Redis;
  private readonly file: string;
  private readonly env: NodeJS.ProcessEnv;

  constructor(
    private readonly ctx: PeerContext,
    private readonly opts: DocpipeOptions,
  ) {
    this.file = path.join(ctx.repoRoot, 'bench/pipelines/noop6.yaml');
    this.env = {
      REDIS_URL: ctx.redisUrl,
      DOCPIPE_PREFIX,
      BENCH_CONCURRENCY: String(opts.concurrency),
      BENCH_BATCH: String(opts.batch),
      ...opts.env,
    };
    this.config = loadPipeline(this.file, { ...process.env, ...this.env });
    this.conn = new Redis(ctx.redisUrl, { maxRetriesPerRequest: null });
    defineScripts(this.conn);
    this.broker = new Broker(this.conn, this.config, createDocumentMachine(this.config.stages.map((s) => s.name)));
    this.settings = `docpipe-run, 6 stages in one process, concurrency ${opts.concurrency} and batch ${opts.batch} per stage, log level ${opts.logLevel ?? 'info (default)'}`;
  }

  private fields(doc: BenchDoc): Record<string, string> {
    return withEnvelope(encodePayload({ ...doc }), {
      attempt: 1,
      trace: nextTraceparent(undefined),
      pipelineVersion: this.config.pipelineVersion,
      now: Date.now(),
    });
  }

  async preload(docs: readonly BenchDoc[]): Promise<void> {
    for (let i = 0; i < docs.length; i += 1000) {
      await Promise.all(docs.slice(i, i + 1000).map((d) => this.broker.submit(d.document_uuid, this.fields(d))));
    }
  }

  spawn(mode: Mode): WorkerProcess {
    const args = [...this.opts.nodeFlags, 'bin/docpipe-run.js', this.file, ...(mode === 'throughput' ? ['--until-idle'] : [])];
    if (this.opts.logLevel) args.push('--log-level', this.opts.logLevel);
    return startWorker(args, this.env, this.ctx.repoRoot);
  }

  started(): Promise<boolean> {
    const first = this.config.stages[0]!;
    return groupStarted(this.ctx.redis, first.stream, first.group);
  }

  completed(): Promise<number> {
    return this.ctx.redis.xlen(this.config.completed.stream);
  }

  async send(doc: BenchDoc): Promise<void> {
    await this.broker.submit(doc.document_uuid, this.fields(doc));
  }

  watch(onArrival: (uuid: string) => void): Watcher {
    return followStream(this.ctx.redisUrl, this.config.completed.stream, (f) => {
      const uuid = field(f, 'document_uuid');
      if (uuid) onArrival(uuid);
    });
  }

  async verify(n: number): Promise<string[]> {
    const problems: string[] = [];
    const done = await this.completed();
    if (done !== n) problems.push(`${done} entries on the completed stream, expected ${n}`);
    for (const s of this.config.stages) {
      const dead = await this.ctx.redis.xlen(s.dlq);
      if (dead) problems.push(`${dead} dead letters on ${s.dlq}`);
    }
    const sample = await this.ctx.redis.xrange(this.config.completed.stream, '-', '+', 'COUNT', 20);
    for (const [, f] of sample) {
      const uuid = field(f, 'document_uuid');
      const state = uuid ? await this.ctx.redis.hget(this.broker.keys.doc(uuid), 'state') : null;
      if (state !== 'completed') problems.push(`document ${uuid ?? '?'} is "${state ?? 'missing'}", not completed`);
    }
    return problems;
  }

  /** What docpipe leaves in Redis for one finished document: its state hash and history stream. */
  async leftPerDocument(): Promise<
    { hashBytes: number; historyBytes: number; historyEntries: number; packedEntries: number; ttlMs: number } | undefined
  > {
    const last = (await this.ctx.redis.xrevrange(this.config.completed.stream, '+', '-', 'COUNT', 1))[0];
    const uuid = last ? field(last[1], 'document_uuid') : undefined;
    if (!uuid) return undefined;
    const hash = this.broker.keys.doc(uuid);
    const events = this.broker.keys.docEvents(uuid);
    const usage = async (key: string) => Number((await this.ctx.redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0')) ?? 0);
    const packed = (await this.ctx.redis.hget(hash, 'history')) ?? '';
    return {
      hashBytes: await usage(hash),
      historyBytes: await usage(events),
      historyEntries: await this.ctx.redis.xlen(events),
      packedEntries: packed ? packed.split('\n').length : 0,
      ttlMs: await this.ctx.redis.pttl(hash),
    };
  }

  /** Entries still held in the stage streams (acknowledged but not yet trimmed). */
  async streamEntries(): Promise<number> {
    let n = 0;
    for (const s of this.config.stages) n += await this.ctx.redis.xlen(s.stream);
    return n;
  }

  async close(): Promise<void> {
    this.conn.disconnect();
  }
}
