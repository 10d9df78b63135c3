/**
 * The embedded Postgres: first start initialises, later starts reuse the data and a running server,
 * concurrent starters never both initialise, and the last process out stops it. Every server this
 * file starts lives in a temporary folder and is stopped in `after`.
 * Run as a child (DP_EMBEDDED_CHILD=<dataDir>) this file starts/attaches, prints, waits, releases.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import postgres from 'postgres';
import { embeddedPaths, isAlive, startEmbedded } from '../../src/store/embedded.ts';
import { openStore } from '../../src/store/resolve.ts';

const log = pino({ level: 'silent' }, new Writable({ write: (_c, _e, cb) => cb() }));

function postmasterPid(dataDir: string): number | undefined {
  try {
    return Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return undefined;
  }
}

async function waitGone(pid: number): Promise<void> {
  for (let i = 0; i < 300 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 50));
}

if (process.env['DP_EMBEDDED_CHILD']) {
  const server = await startEmbedded({ dataDir: process.env['DP_EMBEDDED_CHILD'], log });
  process.stdout.write(
    `${JSON.stringify({ started: server.started, initialised: server.initialised, port: server.port, pid: server.pid })}\n`,
  );
  const stdin = createInterface({ input: process.stdin });
  await new Promise<void>((resolve) => stdin.once('line', () => resolve()));
  stdin.close();
  process.stdout.write(`${JSON.stringify(await server.release())}\n`);
} else {
  let tmp: string;
  const dataDirs: string[] = [];
  before(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'docpipe-embedded-'));
    chmodSync(tmp, 0o755); // the postgres system user (when running as root) must reach the data folder
  });
  after(async () => {
    for (const d of dataDirs) {
      const pid = postmasterPid(d);
      if (pid && isAlive(pid)) {
        process.kill(pid, 'SIGINT'); // fast shutdown of a server this file started
        await waitGone(pid);
      }
    }
    rmSync(tmp, { recursive: true, force: true });
  });

  test('first start initialises; a second start reuses it; the last one out stops it; data is kept', async () => {
    const dataDir = path.join(tmp, 'one', 'pg');
    dataDirs.push(dataDir);
    const a = await startEmbedded({ dataDir, log });
    assert.equal(a.started, true);
    assert.equal(a.initialised, true);
    assert.ok(isAlive(a.pid));
    const inst = JSON.parse(readFileSync(embeddedPaths(dataDir).instance, 'utf8')) as { port: number; pid: number; user: string };
    assert.equal(inst.port, a.port);
    assert.equal(inst.pid, a.pid);

    const client = postgres(a.url, { max: 1, onnotice: () => {} });
    await client`CREATE TABLE kept (v text)`;
    await client`INSERT INTO kept VALUES ('survives a restart')`;
    await client.end();

    const b = await startEmbedded({ dataDir, log });
    assert.deepEqual([b.started, b.initialised, b.port, b.pid], [false, false, a.port, a.pid], 'reused, not started again');

    assert.deepEqual(await a.release(), { stopped: false, otherClients: 1 }, 'b is still connected');
    assert.ok(isAlive(a.pid));
    assert.deepEqual(await b.release(), { stopped: true, otherClients: 0 });
    await waitGone(a.pid);
    assert.equal(isAlive(a.pid), false);
    assert.equal(existsSync(path.join(dataDir, 'postmaster.pid')), false);

    // A stale lock (its owner is dead) does not block the next start.
    const deadPid = spawnSync('true').pid;
    writeFileSync(embeddedPaths(dataDir).lock, `${deadPid} ${Date.now()} stale`);

    const c = await startEmbedded({ dataDir, log });
    assert.deepEqual([c.started, c.initialised, c.port], [true, false, a.port], 'same data folder, same port');
    assert.notEqual(c.pid, a.pid);
    const again = postgres(c.url, { max: 1, onnotice: () => {} });
    assert.deepEqual([...(await again`SELECT v FROM kept`)], [{ v: 'survives a restart' }]);
    await again.end();

    // openStore('embedded') attaches to the running server and migrates its database.
    const store = await openStore({ url: 'embedded', dataDir, pool: 2 }, log);
    assert.equal(store.embedded?.started, false);
    assert.ok(store.migrations.includes('001_init.sql'));
    const [n] = await store.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM source_documents`;
    assert.equal(n!.n, 0);
    await store.close();
    assert.ok(isAlive(c.pid), 'c still uses it');
    await c.stop();
    await waitGone(c.pid);
    assert.equal(isAlive(c.pid), false);
    assert.equal(existsSync(embeddedPaths(dataDir).lock), false, 'no lock left behind');
  });

  test('two processes starting at once on a fresh folder: one initialises, both share one server', async () => {
    const dataDir = path.join(tmp, 'two', 'pg');
    dataDirs.push(dataDir);
    const file = fileURLToPath(import.meta.url);
    const children = [0, 1].map(() => {
      const child = spawn(process.execPath, ['--import', 'tsx', file], {
        env: { ...process.env, DP_EMBEDDED_CHILD: dataDir, NODE_TEST_CONTEXT: '' },
        stdio: ['pipe', 'pipe', 'inherit'],
      });
      const lines: string[] = [];
      const waiters: Array<() => void> = [];
      createInterface({ input: child.stdout! }).on('line', (l) => {
        lines.push(l);
        waiters.splice(0).forEach((w) => w());
      });
      const line = async (i: number) => {
        while (lines.length <= i) await new Promise<void>((r) => waiters.push(r));
        return JSON.parse(lines[i]!) as Record<string, unknown>;
      };
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      return { child, line, exited };
    });
    const [one, two] = await Promise.all(children.map((c) => c.line(0)));
    assert.equal([one!['initialised'], two!['initialised']].filter(Boolean).length, 1, 'exactly one initdb');
    assert.equal([one!['started'], two!['started']].filter(Boolean).length, 1, 'exactly one server started');
    assert.equal(one!['port'], two!['port']);
    assert.equal(one!['pid'], two!['pid']);
    const pid = one!['pid'] as number;

    children[0]!.child.stdin!.end('go\n');
    assert.deepEqual(await children[0]!.line(1), { stopped: false, otherClients: 1 });
    assert.ok(isAlive(pid));
    children[1]!.child.stdin!.end('go\n');
    assert.deepEqual(await children[1]!.line(1), { stopped: true, otherClients: 0 });
    assert.deepEqual(await Promise.all(children.map((c) => c.exited)), [0, 0]);
    await waitGone(pid);
    assert.equal(isAlive(pid), false);
  });
}
