/** Pure parts of the operator commands: windows, doctor checks, redrive fields, argument splitting, formatting. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { splitPipelineArg } from '../../src/cli/support.ts';
import { pipelinePath, globEscape } from '../../src/ops/connect.ts';
import { DLQ_FIELDS, redriveFields, summarize } from '../../src/ops/dlq.ts';
import {
  compareVersions,
  formatFindings,
  isProductionPrefix,
  ocrFindings,
  parseInfo,
  redisFactsFromInfo,
  redisFindings,
  storeFindings,
  worstLevel,
  type RedisFacts,
} from '../../src/ops/doctor.ts';
import { duration, oneLine, table } from '../../src/cli/format.ts';
import { Keys, LIVENESS_REFRESH_MS, LIVENESS_TTL_MS } from '../../src/streams/keys.ts';
import { countersFrom, emptyCounters, windowCounters, windowMinutes, type Counters } from '../../src/ops/windows.ts';
import { redactSecrets } from '../../src/ops/doctor-probe.ts';
import { parsePrometheusText } from '../fixtures/ops/prom-text.ts';

const c = (processed: number): Counters => ({ ...emptyCounters(), processed });

describe('minute windows', () => {
  const minute = 29_000_000; // an epoch minute
  const at = (m: number, s: number) => m * 60_000 + s * 1000;

  test('the last minute weighs the previous bucket by the part of it still inside the window', () => {
    const buckets = new Map([
      [minute, c(10)],
      [minute - 1, c(60)],
      [minute - 2, c(1000)],
    ]);
    assert.equal(windowCounters(at(minute, 15), 1, buckets).processed, 10 + 45);
    assert.equal(windowCounters(at(minute, 0), 1, buckets).processed, 10 + 60);
    assert.equal(windowCounters(at(minute, 59.999), 1, buckets).processed, 10);
  });

  test('the last hour covers 60 whole buckets plus the weighted oldest one', () => {
    const buckets = new Map(windowMinutes(at(minute, 30), 60).map((m) => [m, c(2)]));
    buckets.set(minute - 61, c(500)); // outside
    assert.equal(windowCounters(at(minute, 30), 60, buckets).processed, 60 * 2 + 1);
  });

  test('counters from a hash: missing or junk fields count 0', () => {
    assert.deepEqual(countersFrom({ processed: '4', retried: 'x' }), { ...emptyCounters(), processed: 4 });
    assert.deepEqual(countersFrom(null), emptyCounters());
  });
});

describe('doctor checks', () => {
  test('ocr: the engine auto resolves to, the version; native without the binary is unsafe', () => {
    const native = ocrFindings({ provider: 'local', setting: 'auto', binary: 'tesseract', version: 'tesseract 5.3.0' });
    assert.deepEqual(
      native.map((f) => [f.level, f.message]),
      [['ok', 'engine native: tesseract (tesseract 5.3.0) (providers.ocr.engine: auto)']],
    );
    const fallback = ocrFindings({
      provider: 'local',
      setting: 'auto',
      binary: 'tesseract',
      problem: 'the tesseract binary is not installed',
    });
    assert.equal(fallback[0]?.level, 'info');
    assert.match(fallback[0]?.message ?? '', /^engine tesseract\.js \(the tesseract binary is not installed\)/);
    const broken = ocrFindings({
      provider: 'local',
      setting: 'native',
      binary: 'tesseract',
      problem: 'the tesseract binary is not installed',
    });
    assert.equal(broken[0]?.level, 'unsafe');
    assert.match(broken[0]?.fix ?? '', /tesseract-ocr tesseract-ocr-eng/);
    assert.match(
      ocrFindings({ provider: 'local', setting: 'tesseract.js', binary: 'tesseract', version: 'tesseract 5.3.0' })[0]?.message ?? '',
      /^engine tesseract\.js/,
    );
    assert.equal(ocrFindings({ provider: 'textract', setting: 'auto', binary: 'tesseract' })[0]?.level, 'info');
  });

  const safe: RedisFacts = {
    version: '7.2.4',
    maxmemoryPolicy: 'noeviction',
    maxmemory: 0,
    usedMemory: 1e6,
    aofEnabled: true,
    appendfsync: 'everysec',
    clusterEnabled: false,
  };
  const opts = { production: true, prefix: 'docpipe', clusterConfigured: false };
  const levelOf = (f: RedisFacts, check: string, o = opts) => redisFindings(f, o).find((x) => x.check === check)?.level;

  test('a safe Redis has nothing worse than info', () => {
    assert.notEqual(worstLevel(redisFindings(safe, opts)), 'unsafe');
    assert.notEqual(worstLevel(redisFindings(safe, opts)), 'warn');
  });

  test('allkeys-* is unsafe; noeviction and volatile-* are fine', () => {
    for (const p of ['allkeys-lru', 'allkeys-lfu', 'allkeys-random'])
      assert.equal(levelOf({ ...safe, maxmemoryPolicy: p }, 'maxmemory-policy'), 'unsafe', p);
    for (const p of ['noeviction', 'volatile-lru', 'volatile-ttl'])
      assert.equal(levelOf({ ...safe, maxmemoryPolicy: p }, 'maxmemory-policy'), 'ok', p);
  });

  test('AOF off: unsafe for production, a warning otherwise; appendfsync no warns', () => {
    assert.equal(levelOf({ ...safe, aofEnabled: false }, 'persistence'), 'unsafe');
    assert.equal(levelOf({ ...safe, aofEnabled: false }, 'persistence', { ...opts, production: false }), 'warn');
    assert.equal(levelOf({ ...safe, appendfsync: 'no' }, 'persistence'), 'warn');
  });

  test('Redis versions: < 6.2 unsafe, < 7.0 warn', () => {
    assert.equal(levelOf({ ...safe, version: '6.0.16' }, 'redis-version'), 'unsafe');
    assert.equal(levelOf({ ...safe, version: '6.2.14' }, 'redis-version'), 'warn');
    assert.equal(levelOf({ ...safe, version: '7.0.0' }, 'redis-version'), 'ok');
    assert.equal(compareVersions('7.10.0', '7.2.0'), 1);
  });

  test('maxmemory close to use', () => {
    assert.equal(levelOf({ ...safe, maxmemory: 100, usedMemory: 95 }, 'maxmemory'), 'unsafe');
    assert.equal(levelOf({ ...safe, maxmemory: 100, usedMemory: 80 }, 'maxmemory'), 'warn');
    assert.equal(levelOf({ ...safe, maxmemory: 100, usedMemory: 10 }, 'maxmemory'), 'ok');
    assert.equal(levelOf(safe, 'maxmemory'), 'info');
  });

  test('Redis Cluster needs a hash-tagged prefix', () => {
    assert.equal(levelOf({ ...safe, clusterEnabled: true }, 'cluster', { ...opts, clusterConfigured: true }), 'unsafe');
    assert.equal(
      levelOf({ ...safe, clusterEnabled: true }, 'cluster', { ...opts, prefix: '{docpipe}', clusterConfigured: true }),
      undefined,
    );
  });

  test('INFO parsing', () => {
    const info = parseInfo(
      '# Server\r\nredis_version:7.0.15\r\n# Memory\r\nused_memory:123\r\nmaxmemory:0\r\nmaxmemory_policy:allkeys-lru\r\n# Persistence\r\naof_enabled:0\r\n',
    );
    const f = redisFactsFromInfo(info, { appendfsync: 'everysec', save: '' });
    assert.deepEqual([f.version, f.usedMemory, f.maxmemoryPolicy, f.aofEnabled, f.rdbSave], ['7.0.15', 123, 'allkeys-lru', false, '']);
  });

  test('production guess from the prefix', () => {
    for (const p of ['docpipe', 'legal-nlp', '{docpipe}', 'prod:docpipe', 'contest']) assert.equal(isProductionPrefix(p), true, p);
    for (const p of ['dptest-ops-1234', 'docpipe-dev', 'test', 'local:docpipe', '{docpipe-ci}'])
      assert.equal(isProductionPrefix(p), false, p);
  });

  test('store findings; secrets redacted from error messages', () => {
    assert.equal(worstLevel(storeFindings({ kind: 'postgres', url: 'postgres://u:***@h/db', error: 'refused' })), 'unsafe');
    assert.equal(
      storeFindings({ kind: 'postgres', url: 'x', pending: ['003_x.sql'] }).find((f) => f.check === 'migrations')?.level,
      'warn',
    );
    assert.equal(
      redactSecrets('password authentication failed for p@ss w0rd', 'postgres://u:p%40ss%20w0rd@h/db'),
      'password authentication failed for ***',
    );
    assert.match(formatFindings([{ check: 'x', level: 'unsafe', message: 'm', fix: 'f' }]), /UNSAFE x: m\n {7}fix: f\n\nunsafe: 1 problem/);
  });
});

describe('dead letters', () => {
  test('a redriven entry loses every dead-letter field and starts again at attempt 1', () => {
    const dlq = {
      document_uuid: 'u',
      n: '3',
      attempt_count: '3',
      trace: 't',
      error: 'e',
      error_kind: 'permanent',
      error_code: 'C',
      original_msg_id: '1-0',
      original_stream: 's',
      failed_at_attempt: '3',
      failed_at: '5',
      consumer: 'w',
    };
    const f = redriveFields(dlq, 1234);
    for (const k of DLQ_FIELDS) assert.equal(f[k], undefined, k);
    assert.deepEqual(f, { document_uuid: 'u', n: '3', attempt_count: '1', trace: 't', enqueued_at: '1234' });
  });

  test('summary: age from failed_at; missing fields are null', () => {
    const s = summarize(
      { stage: 'ner', stream: 'x', id: '1-0', fields: { failed_at: '1000', failed_at_attempt: '2', error: 'boom' } },
      5000,
    );
    assert.deepEqual([s.age_ms, s.failed_at_attempt, s.document_uuid, s.error], [4000, 2, null, 'boom']);
    assert.equal(summarize({ stage: 'ner', stream: 'x', id: '1-0', fields: {} }, 5000).age_ms, null);
  });
});

describe('arguments and formatting', () => {
  test('the pipeline argument is optional in front', () => {
    const isAction = (s: string) => ['list', 'redrive'].includes(s);
    assert.deepEqual(splitPipelineArg(['list'], isAction), { file: undefined, rest: ['list'] });
    assert.deepEqual(splitPipelineArg(['p.yaml', 'redrive', '1-0'], isAction), { file: 'p.yaml', rest: ['redrive', '1-0'] });
    assert.equal(pipelinePath(undefined), path.resolve('pipeline.yaml'));
  });

  test('glob characters of a prefix are escaped for SCAN MATCH', () => {
    assert.equal(globEscape('{docpipe}'), '{docpipe}');
    assert.equal(globEscape('a*b?[c]'), 'a\\*b\\?\\[c\\]');
  });

  test("a worker's liveness key follows the key scheme and outlives two missed refreshes", () => {
    assert.equal(new Keys('{dp}').consumerAlive('ner', 'host-1-abc'), '{dp}:ner:alive:host-1-abc');
    assert.ok(LIVENESS_TTL_MS > 2 * LIVENESS_REFRESH_MS);
  });

  test('durations, tables, one-line errors', () => {
    assert.deepEqual(
      [duration(null), duration(250), duration(1500), duration(95_000), duration(7_260_000), duration(3 * 86_400_000)],
      ['-', '250ms', '1.5s', '1m35s', '2h1m', '3d0h'],
    );
    assert.equal(
      table([
        ['a', 'n'],
        ['xyz', 5],
      ]),
      'a    n\nxyz  5',
    );
    assert.equal(oneLine('a\n  b', 10), 'a b');
    assert.equal(oneLine('x'.repeat(20), 10).length, 10);
  });

  test('the test parser of Prometheus text rejects malformed input', () => {
    assert.throws(() => parsePrometheusText('foo 1\n'), /undeclared/);
    assert.throws(() => parsePrometheusText('# TYPE foo gauge\nfoo{a="1} 1\n'), /bad/);
    const e = parsePrometheusText('# HELP foo x\n# TYPE foo gauge\nfoo{a="q\\"x"} 2\n');
    assert.deepEqual(e.samples, [{ name: 'foo', labels: { a: 'q"x' }, value: 2 }]);
  });
});

describe('grafana dashboard', () => {
  test('deploy/grafana-dashboard.json queries only metrics docpipe exports', async () => {
    const { readFileSync } = await import('node:fs');
    const { PipelineMetrics } = await import('../../src/ops/metrics.ts');
    const { REPO } = await import('../helpers/runner-process.ts');
    const dash = JSON.parse(readFileSync(path.join(REPO, 'deploy/grafana-dashboard.json'), 'utf8')) as {
      panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
    };
    const exported = new Set(new PipelineMetrics().registry.getMetricsAsArray().map((m) => m.name));
    const used = new Set<string>();
    for (const p of dash.panels) {
      assert.ok(p.targets.length > 0, p.title);
      for (const t of p.targets)
        for (const m of t.expr.matchAll(/\b((?:docpipe|process)_[a-z_]+)\b/g)) used.add(m[1]!.replace(/_(bucket|sum|count)$/, ''));
    }
    assert.ok(used.size >= 10);
    for (const name of used) assert.ok(exported.has(name), `${name} is exported`);
  });
});
