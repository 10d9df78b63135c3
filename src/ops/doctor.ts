/**
 * `docpipe doctor`: the settings that silently lose pipeline data or stop it. Facts are gathered
 * from Redis (INFO, which managed services allow even when CONFIG is disabled) and Postgres; the
 * checks are pure functions of those facts.
 */
export type Level = 'ok' | 'info' | 'warn' | 'unsafe';

export interface Finding {
  check: string;
  level: Level;
  message: string;
  fix?: string;
}

export interface RedisFacts {
  version: string;
  maxmemoryPolicy: string;
  maxmemory: number;
  usedMemory: number;
  aofEnabled: boolean;
  /** From CONFIG GET (undefined when CONFIG is not allowed). */
  appendfsync?: string;
  rdbSave?: string;
  clusterEnabled: boolean;
}

export type StoreFacts =
  { kind: 'none' } | { kind: 'embedded' } | { kind: 'postgres'; url: string; error?: string; pending?: string[]; serverVersion?: string };

/** Versions docpipe's commands need. */
const REDIS_MIN = '6.2.0'; // XPENDING … IDLE, XTRIM MINID, XAUTOCLAIM
const REDIS_LAG = '7.0.0'; // XINFO GROUPS lag (status, KEDA lagCount)

/** Thresholds of used memory against maxmemory. */
const MEMORY_WARN = 0.75;
const MEMORY_UNSAFE = 0.9;

export function parseInfo(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    if (!line || line.startsWith('#')) continue;
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

export function redisFactsFromInfo(info: Record<string, string>, config: Record<string, string> = {}): RedisFacts {
  return {
    version: info['redis_version'] ?? '0.0.0',
    maxmemoryPolicy: info['maxmemory_policy'] ?? config['maxmemory-policy'] ?? 'unknown',
    maxmemory: Number(info['maxmemory'] ?? config['maxmemory'] ?? 0),
    usedMemory: Number(info['used_memory'] ?? 0),
    aofEnabled: info['aof_enabled'] === '1',
    appendfsync: config['appendfsync'],
    rdbSave: config['save'],
    clusterEnabled: info['cluster_enabled'] === '1',
  };
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split('.').map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/**
 * A prefix is taken as production unless its name says otherwise (test, dev, local, tmp, demo,
 * example, ci, as a word of the prefix). `--production` / `--no-production` override the guess.
 */
export function isProductionPrefix(prefix: string): boolean {
  return !/(^|[^a-z0-9])(test|tests|dptest|dev|development|local|tmp|temp|demo|example|ci|sandbox)([^a-z0-9]|$)/i.test(prefix);
}

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

export function redisFindings(f: RedisFacts, options: { production: boolean; prefix: string; clusterConfigured: boolean }): Finding[] {
  const out: Finding[] = [];

  if (compareVersions(f.version, REDIS_MIN) < 0) {
    out.push({
      check: 'redis-version',
      level: 'unsafe',
      message: `Redis ${f.version} is older than ${REDIS_MIN}: docpipe uses XPENDING … IDLE, XTRIM MINID and XAUTOCLAIM`,
      fix: `upgrade Redis to ${REDIS_LAG} or later`,
    });
  } else if (compareVersions(f.version, REDIS_LAG) < 0) {
    out.push({
      check: 'redis-version',
      level: 'warn',
      message: `Redis ${f.version}: XINFO GROUPS reports no lag before ${REDIS_LAG} (status counts entries instead; KEDA's lagCount does not work)`,
      fix: `upgrade Redis to ${REDIS_LAG} or later`,
    });
  } else {
    out.push({ check: 'redis-version', level: 'ok', message: `Redis ${f.version}` });
  }

  const policy = f.maxmemoryPolicy;
  if (policy === 'noeviction') {
    out.push({
      check: 'maxmemory-policy',
      level: 'ok',
      message: 'maxmemory-policy noeviction: at the limit writes fail (workers pause) instead of deleting pipeline data',
    });
  } else if (policy.startsWith('volatile-')) {
    out.push({
      check: 'maxmemory-policy',
      level: 'ok',
      message: `maxmemory-policy ${policy}: only keys with a TTL can be evicted (per-minute counters, finished documents' state); streams and in-flight state never expire`,
    });
  } else if (policy.startsWith('allkeys-')) {
    out.push({
      check: 'maxmemory-policy',
      level: 'unsafe',
      message: `maxmemory-policy ${policy} evicts ANY key under memory pressure: stage streams, consumer groups, retries and document state can vanish silently (the common allkeys-lru cache advice destroys pipeline data)`,
      fix: "CONFIG SET maxmemory-policy noeviction (and set it in redis.conf / your provider's parameter group); volatile-lru is also safe",
    });
  } else {
    out.push({
      check: 'maxmemory-policy',
      level: 'warn',
      message: `maxmemory-policy "${policy}" is unknown to docpipe`,
      fix: 'use noeviction',
    });
  }

  if (f.aofEnabled) {
    const fsync = f.appendfsync;
    if (fsync === 'no')
      out.push({
        check: 'persistence',
        level: 'warn',
        message: 'AOF on with appendfsync no: the OS decides when writes reach disk (tens of seconds can be lost)',
        fix: 'CONFIG SET appendfsync everysec',
      });
    else out.push({ check: 'persistence', level: 'ok', message: `AOF on${fsync ? ` (appendfsync ${fsync})` : ''}` });
  } else {
    const rdb = f.rdbSave
      ? ` (RDB snapshots "${f.rdbSave}" lose everything since the last one)`
      : f.rdbSave === ''
        ? ' and no RDB snapshots'
        : '';
    out.push({
      check: 'persistence',
      level: options.production ? 'unsafe' : 'warn',
      message: `AOF is off${rdb}: a Redis restart loses queued, pending and scheduled work and document state${options.production ? ` (prefix "${options.prefix}" looks like production)` : ` (acceptable for the non-production prefix "${options.prefix}")`}`,
      fix: 'CONFIG SET appendonly yes; CONFIG SET appendfsync everysec (and in redis.conf); on a managed Redis enable AOF/persistence',
    });
  }

  if (f.maxmemory > 0) {
    const ratio = f.usedMemory / f.maxmemory;
    const pct = `${Math.round(ratio * 100)}%`;
    const level: Level = ratio >= MEMORY_UNSAFE ? 'unsafe' : ratio >= MEMORY_WARN ? 'warn' : 'ok';
    out.push({
      check: 'maxmemory',
      level,
      message: `${mb(f.usedMemory)} used of maxmemory ${mb(f.maxmemory)} (${pct})`,
      fix:
        level === 'ok'
          ? undefined
          : 'raise maxmemory, purge old dead letters (docpipe dlq purge), lower state.ttl, or add workers to drain the backlog',
    });
  } else {
    out.push({
      check: 'maxmemory',
      level: 'info',
      message: `no maxmemory limit (${mb(f.usedMemory)} used): Redis grows until the machine runs out of memory`,
    });
  }

  if (f.clusterEnabled && !/\{[^}]+\}/.test(options.prefix)) {
    out.push({
      check: 'cluster',
      level: 'unsafe',
      message: `Redis Cluster, but prefix "${options.prefix}" has no hash tag: docpipe's multi-key scripts need all keys in one slot`,
      fix: `prefix: "{${options.prefix}}" in pipeline.yaml`,
    });
  } else if (f.clusterEnabled !== options.clusterConfigured) {
    out.push({
      check: 'cluster',
      level: 'warn',
      message: f.clusterEnabled
        ? 'Redis runs in cluster mode but redis.cluster is not set'
        : 'redis.cluster is set but Redis is not a cluster',
      fix: 'set redis.cluster to match the server',
    });
  }
  return out;
}

export function storeFindings(s: StoreFacts): Finding[] {
  if (s.kind === 'none')
    return [{ check: 'store', level: 'info', message: 'none (no Postgres: stages that write to the store cannot run)' }];
  if (s.kind === 'embedded')
    return [
      {
        check: 'store',
        level: 'info',
        message: 'embedded Postgres under .docpipe/ (one host only); migrations are applied when docpipe-run starts',
      },
    ];
  if (s.error)
    return [
      {
        check: 'store',
        level: 'unsafe',
        message: `Postgres ${s.url} unreachable: ${s.error}`,
        fix: 'check DATABASE_URL and that Postgres accepts connections',
      },
    ];
  const out: Finding[] = [{ check: 'store', level: 'ok', message: `Postgres ${s.url}${s.serverVersion ? ` (${s.serverVersion})` : ''}` }];
  const pending = s.pending ?? [];
  out.push(
    pending.length
      ? {
          check: 'migrations',
          level: 'warn',
          message: `${pending.length} migration(s) not applied: ${pending.join(', ')}`,
          fix: 'start docpipe-run once (it applies them under an advisory lock) before older workers use the new tables',
        }
      : { check: 'migrations', level: 'ok', message: 'every migration applied' },
  );
  return out;
}

/** What the local OCR will run on: the engine `providers.ocr.engine` resolves to, and the tesseract binary found. */
export interface OcrFacts {
  provider: 'local' | 'textract';
  setting: string;
  binary: string;
  version?: string;
  problem?: string;
}

export function ocrFindings(f: OcrFacts): Finding[] {
  if (f.provider === 'textract')
    return [{ check: 'ocr', level: 'info', message: 'providers.ocr.provider is textract (AWS Textract): no local OCR engine' }];
  const found = f.version ? ` (${f.version})` : '';
  if (f.setting === 'tesseract.js')
    return [
      {
        check: 'ocr',
        level: 'ok',
        message: `engine tesseract.js (providers.ocr.engine: tesseract.js)${f.version ? `; ${f.version} is installed but not used` : ''}`,
      },
    ];
  if (!f.problem)
    return [{ check: 'ocr', level: 'ok', message: `engine native: ${f.binary}${found} (providers.ocr.engine: ${f.setting})` }];
  if (f.setting === 'native') {
    return [
      {
        check: 'ocr',
        level: 'unsafe',
        message: `providers.ocr.engine is native but ${f.problem}: the ocr stage will not start`,
        fix: 'apt-get install tesseract-ocr tesseract-ocr-eng, or set providers.ocr.engine to auto',
      },
    ];
  }
  return [
    {
      check: 'ocr',
      level: 'info',
      message: `engine tesseract.js (${f.problem}); install tesseract for the native engine`,
      fix: 'apt-get install tesseract-ocr tesseract-ocr-eng',
    },
  ];
}

export function worstLevel(findings: readonly Finding[]): Level {
  const order: Level[] = ['ok', 'info', 'warn', 'unsafe'];
  return findings.reduce<Level>((w, f) => (order.indexOf(f.level) > order.indexOf(w) ? f.level : w), 'ok');
}

export function formatFindings(findings: readonly Finding[]): string {
  const tag: Record<Level, string> = { ok: 'ok    ', info: 'info  ', warn: 'WARN  ', unsafe: 'UNSAFE' };
  const lines = findings.map((f) => `${tag[f.level]} ${f.check}: ${f.message}${f.fix ? `\n       fix: ${f.fix}` : ''}`);
  const worst = worstLevel(findings);
  const n = (l: Level) => findings.filter((f) => f.level === l).length;
  lines.push(
    '',
    worst === 'unsafe'
      ? `unsafe: ${n('unsafe')} problem(s) can lose or stop pipeline work`
      : worst === 'warn'
        ? `ok with ${n('warn')} warning(s)`
        : 'ok',
  );
  return lines.join('\n');
}
