import { performance } from 'node:perf_hooks';
import type { Redis } from 'ioredis';
import type { WorkerProcess } from './lib/child.ts';
import { makeDoc, type BenchDoc } from './lib/messages.ts';
import { peakRss, processCpuMicros } from './lib/proc.ts';
import { redisCommandCalls, redisCpuMicros, redisUsedMemory } from './lib/redis-server.ts';
import { percentile } from './lib/stats.ts';
import type { Peer } from './peers/types.ts';
import { sleep } from '../src/util/sleep.ts';

export interface ThroughputResult {
  peer: string;
  docs: number;
  seconds: number;
  /** From the moment the workers take the first document to the n-th completion. */
  docsPerSec: number;
  /** From the first completion to the n-th, as a user watching the output sees throughput ((n − 1) / span). */
  docsPerSecCompletions: number;
  redisCpuUsPerDoc: number;
  nodeCpuUsPerDoc: number;
  /** used_memory added per queued document (pre-loaded, before the workers start). */
  memQueuedPerDoc: number;
  /** used_memory left per document after every document reached the end and the workers stopped. */
  memAfterPerDoc: number;
  peakRssBytes: number;
  /** Redis commands per document over the timed window (commands run inside Lua scripts included), by name. */
  commandsPerDoc: Record<string, number>;
  exitCode: number | null;
  problems: string[];
}

export interface LatencyResult {
  peer: string;
  rate: number;
  sent: number;
  arrived: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  intervalMs: number,
  worker?: WorkerProcess,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (worker && worker.child.exitCode !== null)
      throw new Error(`${what}: the worker process exited (${worker.child.exitCode}): ${worker.stderrTail()}`);
    if (performance.now() > deadline)
      throw new Error(`${what}: timed out after ${timeoutMs} ms${worker ? `; worker stderr: ${worker.stderrTail()}` : ''}`);
    await sleep(intervalMs);
  }
}

/**
 * Pre-loads `n` documents, starts the workers, and times the chain from the moment the workers take
 * the first document to the moment the n-th reaches the end. CPU is sampled over the same window.
 * A second clock runs from the first completion to the n-th (the chain's fill time left out); both
 * are polled every 5 ms.
 */
export async function runThroughput(
  peer: Peer,
  redis: Redis,
  n: number,
  timeoutMs: number,
  onWorker?: (w: WorkerProcess) => void,
): Promise<ThroughputResult> {
  await redis.flushall('SYNC');
  const mem0 = await redisUsedMemory(redis);
  const docs: BenchDoc[] = Array.from({ length: n }, (_, i) => makeDoc(i + 1));
  await peer.preload(docs);
  const mem1 = await redisUsedMemory(redis);
  const worker = peer.spawn('throughput');
  onWorker?.(worker);
  let peak = 0;
  const trackRss = () => {
    peak = Math.max(peak, peakRss(worker.pid) ?? 0);
  };
  try {
    await waitFor(`${peer.name}: start`, async () => (trackRss(), peer.started()), 60_000, 2, worker);
    const t0 = performance.now();
    const node0 = processCpuMicros(worker.pid) ?? 0;
    const redis0 = await redisCpuMicros(redis);
    await redis.config('RESETSTAT');
    let firstDone: number | undefined;
    await waitFor(
      `${peer.name}: ${n} documents through`,
      async () => {
        trackRss();
        const done = await peer.completed();
        if (done > 0 && firstDone === undefined) firstDone = performance.now();
        return done >= n;
      },
      timeoutMs,
      5,
      worker,
    );
    const t1 = performance.now();
    const node1 = processCpuMicros(worker.pid) ?? node0;
    const redis1 = await redisCpuMicros(redis);
    const calls = await redisCommandCalls(redis);
    trackRss();
    // docpipe-run --until-idle exits by itself once drained; the others are stopped.
    const exitCode =
      peer.name === 'docpipe' ? await Promise.race([worker.exited, sleep(20_000).then(() => worker.stop())]) : await worker.stop();
    const problems = await peer.verify(n);
    if (exitCode !== 0) problems.push(`worker exited with ${exitCode}: ${worker.stderrTail().slice(-500)}`);
    const mem2 = await redisUsedMemory(redis);
    const seconds = (t1 - t0) / 1000;
    return {
      peer: peer.name,
      docs: n,
      seconds,
      docsPerSec: n / seconds,
      docsPerSecCompletions: (n - 1) / ((t1 - (firstDone ?? t0)) / 1000),
      redisCpuUsPerDoc: (redis1 - redis0) / n,
      nodeCpuUsPerDoc: (node1 - node0) / n,
      memQueuedPerDoc: (mem1 - mem0) / n,
      memAfterPerDoc: (mem2 - mem0) / n,
      peakRssBytes: peak,
      commandsPerDoc: Object.fromEntries(
        Object.entries(calls)
          .filter(([k]) => k !== 'info' && k !== 'xinfo|groups' && k !== 'llen' && k !== 'xlen' && k !== 'config|resetstat')
          .map(([k, v]) => [k, v / n]),
      ),
      exitCode,
      problems,
    };
  } finally {
    await worker.stop();
  }
}

/** Sends documents at `rate` per second, keeping up with the schedule in small bursts. */
async function produceAtRate(peer: Peer, rate: number, seconds: number, firstN: number, sentAt: Map<string, number>): Promise<number> {
  const total = Math.round(rate * seconds);
  const start = performance.now();
  let sent = 0;
  const inflight: Promise<void>[] = [];
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate) + 1);
    while (sent < due) {
      const doc = makeDoc(firstN + sent);
      sentAt.set(doc.document_uuid, performance.now());
      inflight.push(peer.send(doc));
      sent++;
    }
    if (inflight.length > 1000) await Promise.all(inflight.splice(0));
    await sleep(1);
  }
  await Promise.all(inflight);
  return sent;
}

/**
 * End-to-end latency at a fixed arrival rate: the workers run first; a readiness batch and one
 * second of warm-up go through unmeasured; then `seconds` at `rate`. Latency = arrival at the end of
 * the chain (seen by the harness following the completed stream / final queue's events) minus the
 * producer's send time, both on the harness' clock.
 */
export async function runLatency(peer: Peer, redis: Redis, rate: number, seconds: number): Promise<LatencyResult> {
  await redis.flushall('SYNC');
  const worker = peer.spawn('latency');
  const sentAt = new Map<string, number>();
  const arrivals = new Map<string, number>();
  const watcher = peer.watch((uuid) => {
    if (!arrivals.has(uuid)) arrivals.set(uuid, performance.now());
  });
  try {
    const ready = Array.from({ length: 20 }, (_, i) => makeDoc(i + 1));
    for (const d of ready) await peer.send(d);
    await waitFor(`${peer.name}: ready`, async () => ready.every((d) => arrivals.has(d.document_uuid)), 60_000, 20, worker);
    const warm = new Map<string, number>();
    await produceAtRate(peer, rate, 1, 1_000, warm);
    const sent = await produceAtRate(peer, rate, seconds, 100_000, sentAt);
    const ids = [...sentAt.keys()];
    await waitFor(`${peer.name}: latency run drained`, async () => ids.every((id) => arrivals.has(id)), 60_000, 50, worker).catch(
      () => undefined,
    );
    const lat = ids.flatMap((id) => {
      const a = arrivals.get(id);
      return a === undefined ? [] : [a - sentAt.get(id)!];
    });
    return {
      peer: peer.name,
      rate,
      sent,
      arrived: lat.length,
      p50Ms: percentile(lat, 50),
      p99Ms: percentile(lat, 99),
      maxMs: percentile(lat, 100),
    };
  } finally {
    await watcher.stop();
    await worker.stop();
  }
}
