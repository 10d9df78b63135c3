import type { Redis } from 'ioredis';
import type { BenchSettings } from './lib/env.ts';
import { runLatency, runThroughput, type LatencyResult, type ThroughputResult } from './orchestration.ts';
import { BullmqPeer } from './peers/bullmq.ts';
import { DocpipePeer } from './peers/docpipe.ts';
import { RawPeer } from './peers/raw.ts';
import type { Peer, PeerContext } from './peers/types.ts';

export interface DocpipeLeftovers {
  hashBytes: number;
  historyBytes: number;
  historyEntries: number;
  /** Events packed into the hash's `history` field (state.history_after_finish: packed). */
  packedEntries: number;
  ttlMs: number;
  streamEntries: number;
}

export interface SuiteResult {
  settings: Record<string, string>;
  throughput: ThroughputResult[];
  latency: LatencyResult[];
  leftovers: DocpipeLeftovers | undefined;
}

const log = (s: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${s}\n`);

/** docpipe, BullMQ and the raw chain, alternating (the order rotates each repetition). */
export async function runOrchestration(ctx: PeerContext, redis: Redis, s: BenchSettings): Promise<SuiteResult> {
  const docpipe = new DocpipePeer(ctx, {
    concurrency: s.docpipeConcurrency,
    batch: s.docpipeBatch,
    logLevel: s.docpipeLogLevel,
    nodeFlags: s.docpipeNodeFlags,
  });
  const profiled = s.cpuProfDir
    ? new DocpipePeer(ctx, {
        concurrency: s.docpipeConcurrency,
        batch: s.docpipeBatch,
        logLevel: s.docpipeLogLevel,
        nodeFlags: [...s.docpipeNodeFlags, '--cpu-prof', '--cpu-prof-dir', s.cpuProfDir],
      })
    : undefined;
  const peers: Peer[] = [
    ...(s.peers.has('docpipe') ? [docpipe] : []),
    ...(s.peers.has('bullmq') ? [new BullmqPeer(ctx, s.bullmqConcurrency)] : []),
    ...(s.peers.has('raw') ? [new RawPeer(ctx, s.rawBatch)] : []),
  ];
  const throughput: ThroughputResult[] = [];
  const latency: LatencyResult[] = [];
  let leftovers: DocpipeLeftovers | undefined;
  const timeoutMs = Math.max(120_000, s.docs * 20);
  for (let rep = 0; rep < s.reps; rep++) {
    const order = peers.map((_, i) => peers[(i + rep) % peers.length]!);
    for (const peer of order) {
      const runPeer = peer === docpipe && rep === 0 && profiled ? profiled : peer;
      const t = await runThroughput(runPeer, redis, s.docs, timeoutMs);
      throughput.push(t);
      log(
        `rep ${rep + 1} ${peer.name}: ${t.docsPerSec.toFixed(0)} docs/s (${t.seconds.toFixed(2)} s; first to last completion ${t.docsPerSecCompletions.toFixed(0)} docs/s), redis ${t.redisCpuUsPerDoc.toFixed(0)} µs/doc, node ${t.nodeCpuUsPerDoc.toFixed(0)} µs/doc${t.problems.length ? `; PROBLEMS: ${t.problems.join('; ')}` : ''}`,
      );
      if (peer === docpipe && !leftovers) {
        const left = await docpipe.leftPerDocument();
        if (left) leftovers = { ...left, streamEntries: await docpipe.streamEntries() };
      }
      if (s.skip.has('latency')) continue;
      const l = await runLatency(peer, redis, s.rate, s.seconds);
      latency.push(l);
      log(
        `rep ${rep + 1} ${peer.name}: latency at ${s.rate}/s p50 ${l.p50Ms.toFixed(1)} ms, p99 ${l.p99Ms.toFixed(1)} ms (${l.arrived}/${l.sent} arrived)`,
      );
    }
  }
  for (const p of new Set([docpipe, ...peers, ...(profiled ? [profiled] : [])])) await p.close();
  return {
    settings: Object.fromEntries(peers.map((p) => [p.name, p.settings])),
    throughput,
    latency,
    leftovers,
  };
}
