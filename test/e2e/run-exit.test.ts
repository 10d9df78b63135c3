/**
 * docpipe-run as a user (or Kubernetes) sees it: start-up errors end the process promptly with a
 * non-zero code and stop what it started; --until-idle's exit code says whether the documents of
 * the run completed; logs go to stderr, the summary to stdout.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { dropPrefix, freePort, TEST_REDIS_URL, uniquePrefix } from '../helpers/redis.ts';
import { REPO, RUN_BIN, startRunner } from '../helpers/runner-process.ts';

const FIXTURES = path.join(REPO, 'test', 'fixtures', 'pipelines');
const DOCPIPE_BIN = path.join(REPO, 'bin', 'docpipe.js');
const dir = mkdtempSync(path.join(tmpdir(), 'dp-run-exit-'));
chmodSync(dir, 0o755); // the embedded server runs as the postgres system user
const prefixes: string[] = [];
let db: TestDb;
before(async () => {
  db = await createTestDb('runexit');
});
after(async () => {
  await db.drop();
  for (const p of prefixes) await dropPrefix(TEST_REDIS_URL, p);
  rmSync(dir, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the real docpipe-run to its end; the test timeout bounds it (a hang fails the test). */
function run(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const prefix = uniquePrefix('runexit');
  prefixes.push(prefix);
  const proc = spawn(process.execPath, [RUN_BIN, ...args], {
    cwd: REPO,
    env: { ...process.env, DATABASE_URL: db.url, REDIS_URL: TEST_REDIS_URL, DOCPIPE_PREFIX: prefix, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => proc.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

/** A process that exited but was not reaped (a zombie: no init reaps in some containers) counts as gone. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

async function occupy(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { port: (server.address() as { port: number }).port, server };
}

describe('docpipe-run start-up errors', { timeout: 240_000 }, () => {
  test('a mistyped --stage exits 2 naming it, before opening anything', async () => {
    const r = await run(['pipeline.yaml', '--stage', 'nre']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /docpipe: unknown stage "nre" \(stages: ocr, clean-cat, chunking, ner, resolution, relationships\)/);
    assert.doesNotMatch(r.stderr, /migrations applied|workers started/);
  });

  test('a missing handler module exits 2 naming the stage', async () => {
    const r = await run([path.join(FIXTURES, 'missing-handler.yaml'), '--stage', 'resolution']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /docpipe: stage "resolution": cannot load \.\.\/\.\.\/\.\.\/stages\/resolve\.ts/);
  });

  test('a stage whose setup() throws exits 1 naming the stage and stops the embedded Postgres it started', async () => {
    const pgDir = path.join(dir, 'pg');
    const r = await run([path.join(FIXTURES, 'setup-fails.yaml'), '--log-level', 'info'], { DATABASE_URL: '', DOCPIPE_PG_DIR: pgDir });
    assert.equal(r.code, 1, r.stderr.slice(-3000));
    assert.match(r.stderr, /docpipe: stage "loads-model": setup\(\) failed: model file missing: models\/broken\.bin/);
    const started = /"postmasterPid":(\d+)[^\n]*embedded postgres: started/.exec(r.stderr);
    assert.ok(started, `the run started an embedded Postgres:\n${r.stderr.slice(-3000)}`);
    assert.match(r.stderr, /embedded postgres: stopped/);
    assert.equal(isAlive(Number(started[1])), false, 'the postmaster it started is gone');
    assert.doesNotMatch(r.stderr, /workers started/);
  });

  test('docpipe sql runs a statement on the embedded store (the one the run above initialised) and stops it again', async () => {
    const env = { ...process.env, DATABASE_URL: '', DOCPIPE_PG_DIR: path.join(dir, 'pg'), REDIS_URL: TEST_REDIS_URL };
    const sql = (...args: string[]) =>
      spawnSync(process.execPath, [DOCPIPE_BIN, 'sql', path.join(FIXTURES, 'setup-fails.yaml'), ...args], {
        cwd: REPO,
        env,
        encoding: 'utf8',
      });
    const ok = sql('SELECT count(*)::int AS documents, current_database() AS db FROM source_documents');
    assert.equal(ok.status, 0, ok.stderr);
    assert.deepEqual(
      ok.stdout
        .trim()
        .split('\n')
        .map((l) => l.trim().split(/\s+/)),
      [
        ['documents', 'db'],
        ['0', 'docpipe'],
        ['(1', 'row)'],
      ],
    );
    const bad = sql('SELECT * FROM no_such_table');
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /docpipe sql: relation "no_such_table" does not exist/);
    assert.equal(sql().status, 2, 'no statement: usage error');
    const inst = JSON.parse(readFileSync(path.join(dir, 'pg-instance.json'), 'utf8')) as { pid: number | null };
    assert.equal(inst.pid, null, 'the embedded server was stopped again (no docpipe process uses it)');
  });

  for (const [flag, label] of [
    ['--metrics-port', 'metrics'],
    ['--dashboard', 'dashboard'],
  ] as const) {
    test(`a ${label} port already in use exits 1 with the port, and closes the workers`, async () => {
      const { port, server } = await occupy();
      try {
        const r = await run([path.join(FIXTURES, 'setup-fails.yaml'), '--stage', 'first', flag, String(port), '--log-level', 'info']);
        assert.equal(r.code, 1, r.stderr.slice(-3000));
        assert.match(r.stderr, new RegExp(`docpipe: ${flag} ${port}: port already in use`));
        assert.match(r.stderr, /workers stopped/);
      } finally {
        server.close();
      }
    });
  }

  test('Redis unreachable: logged, bounded retries, then exit 1', async () => {
    const port = await freePort();
    const r = await run([path.join(FIXTURES, 'setup-fails.yaml'), '--stage', 'first', '--redis-retries', '3'], {
      REDIS_URL: `redis://127.0.0.1:${port}`,
    });
    assert.equal(r.code, 1, r.stderr.slice(-3000));
    assert.match(r.stderr, new RegExp(`waiting for Redis at redis://127\\.0\\.0\\.1:${port}/?, attempt 1/3`));
    assert.match(r.stderr, /attempt 2\/3/);
    assert.match(
      r.stderr,
      new RegExp(`docpipe: cannot reach Redis at redis://127\\.0\\.0\\.1:${port}/? after 3 attempts \\(connect ECONNREFUSED`),
    );
  });

  test('--redis-retries that is not a number of attempts is a usage error (2)', async () => {
    const r = await run(['pipeline.yaml', '--redis-retries', 'many']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--redis-retries must be a whole number/);
  });
});

describe('docpipe-run --until-idle exit codes and output', { timeout: 240_000 }, () => {
  const docs = path.join(dir, 'docs');
  const one = path.join(FIXTURES, 'one-stage.yaml');

  test('an --input path that does not exist is a usage error (2), not an empty success', async () => {
    const r = await run([one, '--input', path.join(dir, 'no-such-folder'), '--until-idle']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--input .*no-such-folder: no such file or folder/);
  });

  test('0 when every document completed; 3 when one failed; logs on stderr, the summary on stdout', async () => {
    rmSync(docs, { recursive: true, force: true });
    mkdirSync(docs);
    writeFileSync(path.join(docs, 'good.txt'), 'a good contract\n');
    const ok = await run([one, '--input', docs, '--until-idle', '--log-level', 'info'], { DOCPIPE_DOCUMENTS: docs });
    assert.equal(ok.code, 0, ok.stderr.slice(-3000));
    assert.match(ok.stdout, /documents: completed 1 \(in/);
    assert.match(ok.stdout, /[0-9a-f-]{36} {2}completed {2}good\.txt/);
    // the store this run wrote to (the test database: a local server or the embedded one), its password hidden
    const store = new URL(db.url);
    assert.ok(
      ok.stdout.includes(`results: postgres://${store.username}${store.password ? ':***' : ''}@${store.host}${store.pathname}`),
      ok.stdout,
    );
    assert.doesNotMatch(ok.stdout, store.password ? new RegExp(`:${store.password}@`) : /(?!)/, 'no password in the summary');
    assert.match(ok.stdout, /docpipe status .*one-stage\.yaml; docpipe doc .*one-stage\.yaml <document_uuid>/);
    for (const line of ok.stdout.trim().split('\n')) assert.doesNotMatch(line, /^\{"level"/, 'no log line on stdout');
    assert.match(ok.stderr, /"msg":"workers started"/, 'logs on stderr');

    writeFileSync(path.join(docs, 'bad.txt'), 'a bad contract\n');
    const failed = await run([one, '--input', docs, '--until-idle'], { DOCPIPE_DOCUMENTS: docs });
    assert.equal(failed.code, 3, failed.stderr.slice(-3000));
    assert.match(failed.stdout, /documents: (failed 1, completed 1|completed 1, failed 1)/);
    assert.match(failed.stdout, /bad\.txt: refused: a bad document/);
    assert.doesNotMatch(failed.stdout, /bad\.txt: bad\.txt:/, 'the file name is not repeated in the reason');
  });

  test('documents fed from the stream (not --input) are counted in the summary and the exit code', async () => {
    // submit without workers, then a plain --until-idle run processes them from the stream
    const prefix = uniquePrefix('runexit-stream');
    prefixes.push(prefix);
    const env = { DOCPIPE_DOCUMENTS: docs, DOCPIPE_PREFIX: prefix };
    const submit = spawn(process.execPath, [path.join(REPO, 'bin', 'docpipe.js'), 'submit', one, docs], {
      cwd: REPO,
      env: { ...process.env, DATABASE_URL: db.url, REDIS_URL: TEST_REDIS_URL, ...env },
      stdio: 'ignore',
    });
    assert.equal(await new Promise((resolve) => submit.on('close', resolve)), 0);
    const r = await run([one, '--until-idle'], env);
    assert.equal(r.code, 3, r.stderr.slice(-3000));
    assert.match(r.stdout, /documents: (completed 1, failed 1|failed 1, completed 1) \(in/);
    assert.doesNotMatch(r.stdout, /documents: none/);
  });
});

/** Resolves true when a TCP connection to host:port is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

describe('docpipe-run --metrics-port', { timeout: 120_000 }, () => {
  test('binds 127.0.0.1 by default, like the dashboard; --metrics-host widens it', async () => {
    const external = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
    for (const [extra, wide] of [
      [[], false],
      [['--metrics-host', '0.0.0.0'], true],
    ] as const) {
      const port = await freePort();
      const prefix = uniquePrefix('runexit-metrics');
      prefixes.push(prefix);
      const runner = startRunner([path.join(FIXTURES, 'setup-fails.yaml'), '--stage', 'first', '--metrics-port', String(port), ...extra], {
        DATABASE_URL: db.url,
        REDIS_URL: TEST_REDIS_URL,
        DOCPIPE_PREFIX: prefix,
      });
      try {
        await runner.waitFor('metrics: serving /metrics');
        assert.match(runner.output(), new RegExp(`"host":"${wide ? '0\\.0\\.0\\.0' : '127\\.0\\.0\\.1'}","port":${port}`));
        assert.equal(await accepts('127.0.0.1', port), true);
        if (external) assert.equal(await accepts(external, port), wide, `reachable on ${external}: ${wide}`);
      } finally {
        runner.proc.kill('SIGTERM');
        assert.deepEqual(await runner.exited, { code: 0, signal: null });
      }
    }
  });
});
