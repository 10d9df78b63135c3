/** Benchmark settings from the environment (all optional). */
export interface BenchSettings {
  docs: number;
  rate: number;
  seconds: number;
  reps: number;
  docpipeConcurrency: number;
  docpipeBatch: number;
  docpipeLogLevel: string | undefined;
  bullmqConcurrency: number;
  rawBatch: number;
  /** Skip parts: "orchestration", "tracing", "stages", "ner", "latency". */
  skip: Set<string>;
  /** Write a --cpu-prof profile of the docpipe-run process into this folder (first throughput run). */
  cpuProfDir: string | undefined;
  stageDocs: number;
  /** Only these peers (development): docpipe,bullmq,raw. */
  peers: Set<string>;
  /** Extra node flags for the docpipe-run process (e.g. --heap-prof). */
  docpipeNodeFlags: string[];
}

function num(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return n;
}

export function readSettings(): BenchSettings {
  return {
    docs: Math.round(num('BENCH_DOCS', 20_000)),
    rate: num('BENCH_RATE', 500),
    seconds: num('BENCH_SECONDS', 20),
    reps: Math.round(num('BENCH_REPS', 3)),
    docpipeConcurrency: Math.round(num('BENCH_CONCURRENCY', 100)),
    docpipeBatch: Math.round(num('BENCH_BATCH', 100)),
    docpipeLogLevel: process.env['BENCH_DOCPIPE_LOG_LEVEL'] || undefined,
    bullmqConcurrency: Math.round(num('BENCH_BULLMQ_CONCURRENCY', 100)),
    rawBatch: Math.round(num('BENCH_RAW_BATCH', 100)),
    skip: new Set(
      (process.env['BENCH_SKIP'] ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
    cpuProfDir: process.env['BENCH_CPU_PROF'] || undefined,
    stageDocs: Math.round(num('BENCH_STAGE_DOCS', 15)),
    docpipeNodeFlags: (process.env['BENCH_DOCPIPE_NODE_FLAGS'] ?? '').split(' ').filter(Boolean),
    peers: new Set(
      (process.env['BENCH_PEERS'] ?? 'docpipe,bullmq,raw')
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    ),
  };
}
