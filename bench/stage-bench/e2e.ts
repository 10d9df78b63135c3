import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import postgres from 'postgres';
import { readStateAndHistory } from '../../src/ops/doc.ts';
import { startWorker } from '../lib/child.ts';
import { peakRss } from '../lib/proc.ts';
import type { CorpusFile } from './corpus.ts';
import type { StageBenchResult } from './types.ts';

const PREFIX = 'benche2e';
const KINDS = ['pdf-text', 'txt-contract', 'eml-nef', 'docx', 'eml-other'];

/** A deterministic mix of the corpus' kinds (scans and audio left out: OCR and transcription have their own figures). */
export function pickSubset(files: CorpusFile[], n: number): CorpusFile[] {
  const byKind = KINDS.map((k) => files.filter((f) => f.kind === k).sort((a, b) => a.path.localeCompare(b.path)));
  const out: CorpusFile[] = [];
  for (let i = 0; out.length < n && byKind.some((l) => l.length > i); i++) {
    for (const list of byKind) if (list[i] && out.length < n) out.push(list[i]!);
  }
  return out;
}

/**
 * The full pipeline (pipeline.yaml, local providers) on a copy of a corpus subset:
 * `docpipe-run pipeline.yaml --input <copy> --until-idle` against a fresh Postgres schema.
 * Documents/minute over the processing window: first SUBMIT event to the last completion.
 */
export async function benchPipeline(
  repoRoot: string,
  redisUrl: string,
  databaseUrl: string,
  files: CorpusFile[],
  n: number,
): Promise<StageBenchResult> {
  const name = `full pipeline, ${n} documents (local providers)`;
  const subset = pickSubset(files, n);
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  let admin: postgres.Sql;
  try {
    admin = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`CREATE SCHEMA ${schema}`);
  } catch (err) {
    return {
      name,
      value: NaN,
      unit: 'docs/min',
      skipped: `Postgres at ${databaseUrl.replace(/\/\/[^@]*@/, '//')} unavailable: ${(err as Error).message}`,
    };
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'docpipe-bench-'));
  for (const f of subset) copyFileSync(f.abs, path.join(dir, path.basename(f.path)));
  const url = `${databaseUrl}${databaseUrl.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  try {
    const t0 = performance.now();
    const w = startWorker(
      ['bin/docpipe-run.js', 'pipeline.yaml', '--input', dir, '--until-idle', '--log-level', 'warn'],
      { REDIS_URL: redisUrl, DATABASE_URL: url, DOCPIPE_PREFIX: PREFIX },
      repoRoot,
    );
    let peak = 0;
    const rss = setInterval(() => (peak = Math.max(peak, peakRss(w.pid) ?? 0)), 200);
    const code = await Promise.race([w.exited, new Promise<number | null>((r) => setTimeout(() => r(w.stop()), 300_000))]);
    clearInterval(rss);
    const wall = (performance.now() - t0) / 1000;
    if (code !== 0)
      return {
        name,
        value: NaN,
        unit: 'docs/min',
        skipped: `docpipe-run exited ${code}: ${w.stderrTail().slice(-400).replace(/\s+/g, ' ')}`,
      };
    const { completed, failed, windowMs } = await outcomes(redis);
    if (completed === 0) return { name, value: NaN, unit: 'docs/min', skipped: `no document completed (${failed} failed)` };
    return {
      name,
      value: completed / (windowMs / 60_000),
      unit: 'docs/min',
      notes: `${completed} completed, ${failed} failed (${subset.map((f) => f.kind).join(', ')}); processing window ${(windowMs / 1000).toFixed(1)} s, whole command ${wall.toFixed(1)} s with start-up; peak RSS ${(peak / 2 ** 20).toFixed(0)} MB`,
    };
  } finally {
    redis.disconnect();
    rmSync(dir, { recursive: true, force: true });
    await admin.unsafe(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await admin.end({ timeout: 5 });
  }
}

async function outcomes(redis: Redis): Promise<{ completed: number; failed: number; windowMs: number }> {
  let completed = 0;
  let failed = 0;
  let first = Infinity;
  let last = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${PREFIX}:doc:*`, 'COUNT', 500);
    cursor = next;
    for (const key of keys.filter((k) => !k.endsWith(':events'))) {
      // a finished document's history is packed into its hash (state.history_after_finish), not a stream
      const { hash, history } = await readStateAndHistory(redis, key, `${key}:events`);
      const { state, updated_at: updated } = hash;
      const at = history[0]?.at ?? NaN;
      if (Number.isFinite(at)) first = Math.min(first, at);
      if (state === 'completed') {
        completed++;
        last = Math.max(last, Number(updated));
      } else if (state === 'failed') failed++;
    }
  } while (cursor !== '0');
  return { completed, failed, windowMs: last - first };
}
