import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pairedRatios, targets } from '../../bench/report.ts';
import type { SuiteResult } from '../../bench/orchestration-suite.ts';

const run = (peer: string, docsPerSec: number) =>
  ({ peer, docsPerSec, commandsPerDoc: {} }) as unknown as SuiteResult['throughput'][number];
const lat = (peer: string, p50Ms: number) => ({ peer, p50Ms }) as unknown as SuiteResult['latency'][number];

test('bench report: ratios within each repetition pair the runs made back to back; targets use the medians', () => {
  // the peers' order rotates each repetition, as the suite runs them
  const suite = {
    settings: {},
    leftovers: undefined,
    throughput: [run('docpipe', 3000), run('bullmq', 1000), run('raw', 6000), run('bullmq', 500), run('raw', 4000), run('docpipe', 2000)],
    latency: [lat('docpipe', 2), lat('bullmq', 9), lat('raw', 1), lat('bullmq', 9), lat('raw', 1.5), lat('docpipe', 6)],
  } as SuiteResult;
  assert.deepEqual(pairedRatios(suite), [
    { bullmq: 3, raw: 0.5, p50: 2 },
    { bullmq: 4, raw: 0.5, p50: 4 },
  ]);
  const [vsBullmq, vsRaw, p50] = targets(suite);
  assert.equal(vsBullmq![1], 2500 / 750);
  assert.equal(vsBullmq![2], true);
  assert.equal(vsRaw![1], 2500 / 5000);
  assert.equal(p50![1], 4 / 1.25);
  assert.equal(p50![2], false, 'p50 3.2× raw misses the ≤ 2 target');
});
