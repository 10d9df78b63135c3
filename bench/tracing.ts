/**
 * Tracing overhead: the docpipe peer (6 no-op stages, docpipe-run --until-idle) with tracing off,
 * on (OTLP/HTTP JSON to an in-process receiver) and on with the sampler off (OTEL_TRACES_SAMPLER=
 * always_off: what tracing costs a document that is not sampled), alternating in the same run on
 * the same redis-server; medians and the ratios to "off" of documents per second and CPU.
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
  const otel = {
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
    OTEL_SERVICE_NAME: 'docpipe-bench',
    OTEL_BSP_MAX_QUEUE_SIZE: '100000',
    OTEL_BSP_SCHEDULE_DELAY: '500',
  };
  const off = new DocpipePeer(ctx, base);
  const peers = {
    off,
    on: new DocpipePeer(ctx, { ...base, env: otel }),
    unsampled: new DocpipePeer(ctx, { ...base, env: { ...otel, OTEL_TRACES_SAMPLER: 'always_off' } }),
  };
  type Mode = keyof typeof peers;
  const order: Mode[] = ['off', 'on', 'unsampled'];
  const runs: Array<{ mode: Mode; result: ThroughputResult; spans: number }> = [];
  try {
    for (let rep = 0; rep < s.reps; rep++) {
      // a different order each repetition: no mode always runs first or last
      for (let i = 0; i < order.length; i++) {
        const mode = order[(i + rep) % order.length]!;
        const before = receiver.received;
        const result = await runThroughput(peers[mode], redis, docs, Math.max(120_000, docs * 40));
        const spans = receiver.received - before;
        runs.push({ mode, result, spans });
        log(
          `rep ${rep + 1} tracing ${mode}: ${result.docsPerSec.toFixed(0)} docs/s, node ${result.nodeCpuUsPerDoc.toFixed(0)} µs/doc, ${spans} spans${result.problems.length ? `; PROBLEMS: ${result.problems.join('; ')}` : ''}`,
        );
      }
    }
  } finally {
    for (const peer of Object.values(peers)) await peer.close();
    await receiver.close();
  }
  const pick = (mode: Mode, f: (r: (typeof runs)[number]) => number) => median(runs.filter((r) => r.mode === mode).map(f));
  const row = (label: string, f: (r: (typeof runs)[number]) => number) => {
    const [a, b, c] = order.map((m) => pick(m, f)) as [number, number, number];
    return `| ${label} | ${fmt(a)} | ${fmt(b)} | ${fmt(c)} | ${fmt(ratio(b, a), 2)} | ${fmt(ratio(c, a), 2)} |`;
  };
  const problems = runs.flatMap((r) => r.result.problems);
  return [
    `### Tracing overhead: 6 no-op stages, tracing off vs on vs on and not sampled, medians of ${s.reps} alternating repetitions`,
    '',
    `${docs.toLocaleString('en-US')} documents pre-loaded per run; "on" exports OTLP/HTTP JSON to a receiver in the harness process (6 spans per document, one per stage attempt); "unsampled" is on with OTEL_TRACES_SAMPLER=always_off.`,
    '',
    '| metric | tracing off | tracing on | on, unsampled | on/off | unsampled/off |',
    '|---|---:|---:|---:|---:|---:|',
    row('documents/s', (r) => r.result.docsPerSec),
    row('docpipe-run CPU µs/document', (r) => r.result.nodeCpuUsPerDoc),
    `| spans received/document | 0 | ${fmt(
      pick('on', (r) => r.spans / docs),
      1,
    )} | ${fmt(
      pick('unsampled', (r) => r.spans / docs),
      1,
    )} | | |`,
    ...(problems.length ? ['', `Problems: ${problems.join('; ')}`] : []),
  ].join('\n');
}
