/**
 * Tracing overhead: the docpipe peer (6 no-op stages, docpipe-run --until-idle) with tracing off
 * and with tracing on (OTLP/HTTP JSON to an in-process receiver), alternating in the same run on
 * the same redis-server; medians and the on/off ratio of documents per second.
 * BENCH_TRACING_DOCS (default 5,000) documents per run, BENCH_REPS repetitions.
 */
import type { Redis } from 'ioredis';
import { startOtlpReceiver } from '../test/fakes/otlp-receiver.ts';
import type { BenchSettings } from './lib/env.ts';
import { fmt, median, ratio } from './lib/stats.ts';
import { runThroughput, type ThroughputResult } from './orchestration.ts';
import { DocpipePeer } from './peers/docpipe.ts';
import type { PeerContext } from './peers/types.ts';

const log = (s: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${s}\n`);

export async function runTracingBench(ctx: PeerContext, redis: Redis, s: BenchSettings): Promise<string> {
  const docs = Math.round(Number(process.env['BENCH_TRACING_DOCS'] || 5_000));
  const receiver = await startOtlpReceiver({ keep: false });
  const base = { concurrency: s.docpipeConcurrency, batch: s.docpipeBatch, logLevel: s.docpipeLogLevel, nodeFlags: s.docpipeNodeFlags };
  // a queue large enough that a burst of spans is exported, not dropped (the SDK default is 2,048)
  const otel = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_SERVICE_NAME: 'docpipe-bench', OTEL_BSP_MAX_QUEUE_SIZE: '100000', OTEL_BSP_SCHEDULE_DELAY: '500' };
  const off = new DocpipePeer(ctx, base);
  const on = new DocpipePeer(ctx, { ...base, env: otel });
  const runs: Array<{ tracing: boolean; result: ThroughputResult; spans: number }> = [];
  try {
    for (let rep = 0; rep < s.reps; rep++) {
      for (const tracing of rep % 2 === 0 ? [false, true] : [true, false]) {
        const before = receiver.received;
        const result = await runThroughput(tracing ? on : off, redis, docs, Math.max(120_000, docs * 40));
        const spans = receiver.received - before;
        runs.push({ tracing, result, spans });
        log(`rep ${rep + 1} tracing ${tracing ? 'on' : 'off'}: ${result.docsPerSec.toFixed(0)} docs/s, node ${result.nodeCpuUsPerDoc.toFixed(0)} µs/doc, ${spans} spans${result.problems.length ? `; PROBLEMS: ${result.problems.join('; ')}` : ''}`);
      }
    }
  } finally {
    await off.close();
    await on.close();
    await receiver.close();
  }
  const pick = (tracing: boolean, f: (r: (typeof runs)[number]) => number) => median(runs.filter((r) => r.tracing === tracing).map(f));
  const rate = [pick(false, (r) => r.result.docsPerSec), pick(true, (r) => r.result.docsPerSec)] as const;
  const cpu = [pick(false, (r) => r.result.nodeCpuUsPerDoc), pick(true, (r) => r.result.nodeCpuUsPerDoc)] as const;
  const problems = runs.flatMap((r) => r.result.problems);
  return [
    `### Tracing overhead: 6 no-op stages, tracing off vs on, medians of ${s.reps} alternating repetitions`,
    '',
    `${docs.toLocaleString('en-US')} documents pre-loaded per run; "on" exports OTLP/HTTP JSON to a receiver in the harness process (6 spans per document, one per stage attempt).`,
    '',
    '| metric | tracing off | tracing on | on/off |',
    '|---|---:|---:|---:|',
    `| documents/s | ${fmt(rate[0])} | ${fmt(rate[1])} | ${fmt(ratio(rate[1], rate[0]), 2)} |`,
    `| docpipe-run CPU µs/document | ${fmt(cpu[0])} | ${fmt(cpu[1])} | ${fmt(ratio(cpu[1], cpu[0]), 2)} |`,
    `| spans received/document | 0 | ${fmt(pick(true, (r) => r.spans / docs), 1)} | |`,
    ...(problems.length ? ['', `Problems: ${problems.join('; ')}`] : []),
  ].join('\n');
}
