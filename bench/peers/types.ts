import type { Redis } from 'ioredis';
import type { WorkerProcess } from '../lib/child.ts';
import type { BenchDoc } from '../lib/messages.ts';

export type PeerName = 'docpipe' | 'bullmq' | 'raw';
export type Mode = 'throughput' | 'latency';

/** The benchmark harness' side of one peer: how to feed it, start it and watch its output. */
export interface Peer {
  readonly name: PeerName;
  /** What the peer is configured with (concurrency, batch…), for the results file. */
  readonly settings: string;
  /** Queues `docs` before the workers start (pipelined). */
  preload(docs: readonly BenchDoc[]): Promise<void>;
  /** Starts the worker process (all six stages in one process). */
  spawn(mode: Mode): WorkerProcess;
  /** True once the workers have taken work from the first queue. */
  started(): Promise<boolean>;
  /** Documents that reached the end of the chain. */
  completed(): Promise<number>;
  /** The fixed-rate producer's send of one document. */
  send(doc: BenchDoc): Promise<void>;
  /** Calls `onArrival(uuid)` as documents reach the end of the chain, until stopped. */
  watch(onArrival: (uuid: string) => void): Watcher;
  /** A check after the throughput run: problems found (duplicates, failures…), empty when clean. */
  verify(n: number): Promise<string[]>;
  close(): Promise<void>;
}

export interface Watcher {
  stop(): Promise<void>;
}

export interface PeerContext {
  redisUrl: string;
  /** Command connection of the harness. */
  redis: Redis;
  repoRoot: string;
}
