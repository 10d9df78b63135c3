/**
 * `npm run bench`: docpipe against BullMQ and a raw ioredis Streams chain on the same 6-stage chain
 * of no-op handlers (own redis-server, alternating runs, medians and ratios), then the stage
 * benchmarks on ../shared/corpus. Prints the tables and writes bench/results/latest.md (its header carries the date).
 * Environment: BENCH_DOCS, BENCH_RATE, BENCH_SECONDS, BENCH_REPS, BENCH_SKIP=orchestration|tracing|stages|ner,
 * BENCH_CONCURRENCY, BENCH_BATCH, BENCH_BULLMQ_CONCURRENCY, BENCH_RAW_BATCH, BENCH_DOCPIPE_LOG_LEVEL,
 * BENCH_CPU_PROF=<dir> (profile the first docpipe throughput run), BENCH_DOCPIPE_NODE_FLAGS (extra node flags for
 * docpipe-run, e.g. --heap-prof), BENCH_STAGE_DOCS, BENCH_PEERS=docpipe,bullmq,raw,
 * BENCH_SKIP=latency, BENCH_TRACING_DOCS (tracing off vs on). Development runs (small BENCH_DOCS) overwrite results/latest.md too.
 * Summarise a profile: node --import tsx bench/profile-summary.ts <dir>.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { readSettings } from './lib/env.ts';
import { startRedis } from './lib/redis-server.ts';
import { runOrchestration } from './orchestration-suite.ts';
import { runTracingBench } from './tracing.ts';
import { orchestrationMarkdown, stagesMarkdown } from './report.ts';
import { nerQualityMarkdown } from './stage-bench/ner-quality.ts';
import { runStageBenchmarks } from './stage-bench/suite.ts';

const repoRoot = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const settings = readSettings();
const started = Date.now();
const sections: string[] = [];

if (!settings.skip.has('orchestration')) {
  const server = await startRedis();
  const redis = new Redis(server.url, { maxRetriesPerRequest: null });
  try {
    process.stderr.write(
      `redis-server ${server.url} (pid ${server.pid}); ${settings.docs} documents, ${settings.rate}/s for ${settings.seconds} s, ${settings.reps} repetitions\n`,
    );
    const suite = await runOrchestration({ redisUrl: server.url, redis, repoRoot }, redis, settings);
    sections.push(orchestrationMarkdown(suite, settings));
  } finally {
    redis.disconnect();
    await server.stop();
  }
}

if (!settings.skip.has('tracing')) {
  const server = await startRedis();
  const redis = new Redis(server.url, { maxRetriesPerRequest: null });
  try {
    sections.push(await runTracingBench({ redisUrl: server.url, redis, repoRoot }, redis, settings));
  } finally {
    redis.disconnect();
    await server.stop();
  }
}

if (!settings.skip.has('stages')) {
  sections.push(stagesMarkdown(await runStageBenchmarks(repoRoot, settings)));
}

if (!settings.skip.has('ner')) {
  sections.push(nerQualityMarkdown(repoRoot));
}

const date = new Date().toISOString().slice(0, 10);
const minutes = (Date.now() - started) / 60_000;
const header = `## docpipe benchmarks, ${date}\n\n${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, load average at the end ${os
  .loadavg()
  .map((x) => x.toFixed(2))
  .join(' ')} (a shared machine: compare the ratios, not the absolute figures). Whole run: ${minutes.toFixed(1)} min.\n`;
const text = [header, ...sections].join('\n\n') + '\n';
process.stdout.write(text);
const dir = path.join(repoRoot, 'bench/results');
mkdirSync(dir, { recursive: true });
writeFileSync(path.join(dir, 'latest.md'), text);
process.exit(0); // stray connections (a BullMQ queue reconnecting to the stopped server) must not keep the process alive
