import { fmt, median, ratio } from './lib/stats.ts';
import type { BenchSettings } from './lib/env.ts';
import type { SuiteResult } from './orchestration-suite.ts';
import type { StageBenchResult } from './stage-bench/types.ts';

const PEERS = ['docpipe', 'bullmq', 'raw'] as const;
const LABEL: Record<string, string> = { docpipe: 'docpipe', bullmq: 'BullMQ', raw: 'raw Streams' };

interface Row {
  label: string;
  values: Record<string, number>;
  digits: number;
  /** Higher is better (ratios read "docpipe is N× the peer"). */
  higherBetter: boolean;
  target?: string;
}

function medians(suite: SuiteResult): Row[] {
  const t = (peer: string, pick: (r: SuiteResult['throughput'][number]) => number) =>
    median(suite.throughput.filter((r) => r.peer === peer).map(pick));
  const l = (peer: string, pick: (r: SuiteResult['latency'][number]) => number) =>
    median(suite.latency.filter((r) => r.peer === peer).map(pick));
  const row = (label: string, digits: number, higherBetter: boolean, f: (peer: string) => number, target?: string): Row => ({
    label,
    digits,
    higherBetter,
    target,
    values: Object.fromEntries(PEERS.map((p) => [p, f(p)])),
  });
  return [
    row('documents/s (pre-loaded)', 0, true, (p) => t(p, (r) => r.docsPerSec), 'docpipe ≥ 3× BullMQ, ≥ 1.0× raw'),
    row('documents/s, first to last completion', 0, true, (p) => t(p, (r) => r.docsPerSecCompletions)),
    row('p50 latency, ms', 1, false, (p) => l(p, (r) => r.p50Ms), 'docpipe ≤ 2× raw'),
    row('p99 latency, ms', 1, false, (p) => l(p, (r) => r.p99Ms)),
    row('Redis CPU µs/document', 0, false, (p) => t(p, (r) => r.redisCpuUsPerDoc)),
    row('Node CPU µs/document', 0, false, (p) => t(p, (r) => r.nodeCpuUsPerDoc)),
    row('Redis commands/document (Lua inner calls included)', 1, false, (p) =>
      t(p, (r) => Object.values(r.commandsPerDoc).reduce((a, b) => a + b, 0)),
    ),
    row('Redis bytes/document queued', 0, false, (p) => t(p, (r) => r.memQueuedPerDoc)),
    row('Redis bytes/document left after', 0, false, (p) => t(p, (r) => r.memAfterPerDoc)),
    row('worker peak RSS, MB', 0, false, (p) => t(p, (r) => r.peakRssBytes / 2 ** 20)),
  ];
}

const leftBytes = (x: NonNullable<SuiteResult['leftovers']>) => x.hashBytes + x.historyBytes;

/** Checks of the issue's targets on the medians: [label, value, met]. */
export function targets(suite: SuiteResult): Array<[string, number, boolean]> {
  const rows = medians(suite);
  const v = (i: number, p: string) => rows[i]!.values[p]!;
  return [
    ['docs/s docpipe/BullMQ (target ≥ 3)', ratio(v(0, 'docpipe'), v(0, 'bullmq')), ratio(v(0, 'docpipe'), v(0, 'bullmq')) >= 3],
    ['docs/s docpipe/raw (target ≥ 1.0)', ratio(v(0, 'docpipe'), v(0, 'raw')), ratio(v(0, 'docpipe'), v(0, 'raw')) >= 1.0],
    ['p50 latency docpipe/raw (target ≤ 1.5)', ratio(v(2, 'docpipe'), v(2, 'raw')), ratio(v(2, 'docpipe'), v(2, 'raw')) <= 1.5],
    ...(suite.leftovers
      ? [leftBytes(suite.leftovers)].map((b): [string, number, boolean] => [
          'Redis bytes left per finished document (target ≤ 2,048)',
          b,
          b <= 2048,
        ])
      : []),
  ];
}

/** docpipe's ratios to each peer within each repetition (NaN where a peer did not run). */
export function pairedRatios(suite: SuiteResult): Array<{ bullmq: number; raw: number; p50: number }> {
  const reps = new Map<number, { t: Map<string, number>; l: Map<string, number> }>();
  const n = new Set(suite.throughput.map((t) => t.peer)).size || 1;
  suite.throughput.forEach((t, i) => {
    const rep = Math.floor(i / n);
    const r = reps.get(rep) ?? { t: new Map(), l: new Map() };
    r.t.set(t.peer, t.docsPerSec);
    const l = suite.latency[i];
    if (l) r.l.set(l.peer, l.p50Ms);
    reps.set(rep, r);
  });
  return [...reps.values()].map((r) => ({
    bullmq: ratio(r.t.get('docpipe') ?? NaN, r.t.get('bullmq') ?? NaN),
    raw: ratio(r.t.get('docpipe') ?? NaN, r.t.get('raw') ?? NaN),
    p50: ratio(r.l.get('docpipe') ?? NaN, r.l.get('raw') ?? NaN),
  }));
}

export function orchestrationMarkdown(suite: SuiteResult, s: BenchSettings): string {
  const out: string[] = [];
  out.push(`### Orchestration: 6 no-op stages, medians of ${s.reps} alternating repetitions`, '');
  out.push(
    `${s.docs.toLocaleString('en-US')} documents pre-loaded for documents/s and CPU; latency at ${s.rate} documents/s for ${s.seconds} s (after a readiness batch and 1 s of warm-up).`,
    '',
  );
  out.push('| metric | docpipe | BullMQ | raw Streams | docpipe/BullMQ | docpipe/raw |', '|---|---:|---:|---:|---:|---:|');
  for (const r of medians(suite)) {
    const [d, b, w] = PEERS.map((p) => r.values[p]!);
    out.push(
      `| ${r.label} | ${fmt(d!, r.digits)} | ${fmt(b!, r.digits)} | ${fmt(w!, r.digits)} | ${fmt(ratio(d!, b!), 2)} | ${fmt(ratio(d!, w!), 2)} |`,
    );
  }
  out.push('', '**Targets**', '');
  for (const [label, value, met] of targets(suite)) out.push(`- ${label}: ${fmt(value, value > 100 ? 0 : 2)} — ${met ? 'met' : 'NOT met'}`);
  const paired = pairedRatios(suite);
  if (paired.length > 1) {
    out.push(
      `- the same ratios within each repetition (peers run back to back, so a slow spell of the machine hits both): ${paired.map((r, i) => `rep ${i + 1}: ${fmt(r.bullmq, 2)} / ${fmt(r.raw, 2)} / ${fmt(r.p50, 2)}`).join('; ')} (docs/s vs BullMQ / docs/s vs raw / p50 vs raw)`,
    );
  }
  out.push(
    '',
    '**Every run**',
    '',
    '| rep | peer | docs/s | docs/s first→last completion | s | Redis µs/doc | Node µs/doc | p50 ms | p99 ms | max ms | arrived/sent | problems |',
    '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  );
  suite.throughput.forEach((t, i) => {
    const l = suite.latency[i];
    const rep = Math.floor(i / PEERS.length) + 1;
    out.push(
      `| ${rep} | ${LABEL[t.peer]} | ${fmt(t.docsPerSec)} | ${fmt(t.docsPerSecCompletions)} | ${fmt(t.seconds, 2)} | ${fmt(t.redisCpuUsPerDoc)} | ${fmt(t.nodeCpuUsPerDoc)} | ${l ? fmt(l.p50Ms, 1) : ''} | ${l ? fmt(l.p99Ms, 1) : ''} | ${l ? fmt(l.maxMs, 1) : ''} | ${l ? `${l.arrived}/${l.sent}` : ''} | ${t.problems.join('; ') || '-'} |`,
    );
  });
  if (suite.leftovers) {
    const x = suite.leftovers;
    out.push('', '**What docpipe leaves in Redis per finished document**', '');
    out.push(
      `- ${fmt(leftBytes(x))} bytes (MEMORY USAGE): state hash \`bench:doc:<uuid>\` ${fmt(x.hashBytes)} bytes${x.packedEntries ? ` (its history packed in: ${x.packedEntries} events)` : ''}; history stream \`bench:doc:<uuid>:events\` ${x.historyBytes ? `${fmt(x.historyBytes)} bytes (${x.historyEntries} events)` : 'deleted'} (state.history_after_finish); kept for state.ttl (PTTL right after completion: ${fmt(x.ttlMs / 3_600_000, 1)} h).`,
    );
    out.push(
      `- acknowledged stage-stream entries not yet trimmed when the run ended: ${fmt(x.streamEntries)} (trimmed by XTRIM MINID every 5 s while workers run, and once more when a worker stops); the completed stream keeps one entry per document until its reader trims it.`,
    );
  }
  out.push('', '**Redis commands per document (first repetition)**', '');
  for (const peer of PEERS) {
    const r = suite.throughput.find((x) => x.peer === peer);
    if (!r) continue;
    const top = Object.entries(r.commandsPerDoc)
      .sort((a, b) => b[1] - a[1])
      .filter(([, v]) => v >= 0.05);
    out.push(`- ${LABEL[peer]}: ${top.map(([k, v]) => `${k} ${fmt(v, 1)}`).join(', ')}`);
  }
  out.push('', '**Peers**', '');
  for (const [name, text] of Object.entries(suite.settings)) out.push(`- ${LABEL[name]}: ${text}`);
  return out.join('\n');
}

export function stagesMarkdown(results: StageBenchResult[]): string {
  const out = ['### Stages on ../shared/corpus', '', '| benchmark | result | compared with | ratio | notes |', '|---|---:|---:|---:|---|'];
  for (const r of results) {
    if (r.skipped) {
      out.push(`| ${r.name} | skipped | | | ${r.skipped} |`);
      continue;
    }
    out.push(
      `| ${r.name} | ${fmt(r.value, r.digits ?? 1)} ${r.unit} | ${r.peerValue === undefined ? '' : `${fmt(r.peerValue, r.digits ?? 1)} ${r.unit} (${r.peerName})`} | ${r.peerValue === undefined ? '' : fmt(ratio(r.value, r.peerValue), 2)} | ${r.notes ?? ''} |`,
    );
  }
  return out.join('\n');
}
