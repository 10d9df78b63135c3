/**
 * Security basics against redis-servers of the test's own: AUTH (requirepass), TLS (`rediss://`,
 * a throwaway CA made with openssl, trusted through NODE_EXTRA_CA_CERTS), an ACL user limited to
 * the pipeline's keys and the commands docpipe needs (docs/redis-acl.md), and secrets never
 * printed: a password in REDIS_URL appears in no runner output.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Redis, type RedisOptions } from 'ioredis';
import { uniquePrefix } from '../helpers/redis.ts';
import { REPO, startRunner } from '../helpers/runner-process.ts';
import { deadline, startRedisServer } from './support.ts';

const PIPELINE = path.join(REPO, 'test/fixtures/chaos/load.yaml');
const DOCS = 20;
const ADMIN_PASSWORD = `admin-${randomBytes(8).toString('hex')}`;
const WORKER_PASSWORD = `worker-${randomBytes(8).toString('hex')}`;

/**
 * The commands a docpipe runner needs (docs/redis-acl.md derives them from src/streams and
 * src/worker): connection, streams, the Lua scripts (EVALSHA, EVAL) and what they call, counters.
 */
export const RUNNER_COMMANDS = [
  'info',
  'ping',
  'client|setname',
  'quit',
  'xadd',
  'xreadgroup',
  'xack',
  'xclaim',
  'xpending',
  'xgroup|create',
  'xinfo|groups',
  'xtrim',
  'xlen',
  'xrange',
  'xdel',
  'evalsha',
  'eval',
  'multi',
  'exec',
  'hget',
  'hset',
  'hgetall',
  'hincrby',
  'pexpire',
  'persist',
  'zadd',
  'zrangebyscore',
  'zrem',
  'zcard',
  'incr',
  'get',
  'set',
  'del',
  'exists',
  'time',
  'xinfo|consumers',
  'xgroup|delconsumer',
];

let dir: string;
before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'dp-security-'));
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function produce(options: RedisOptions & { port: number }, prefix: string): Promise<void> {
  const r = new Redis({ host: '127.0.0.1', ...options });
  try {
    for (let n = 1; n <= DOCS; n++) await r.xadd(`${prefix}:slow:pending`, '*', 'document_uuid', randomUUID(), 'n', String(n));
  } finally {
    r.disconnect();
  }
}

async function runToIdle(
  redisUrl: string,
  prefix: string,
  extraEnv: Record<string, string> = {},
): Promise<{ code: number | null; output: string }> {
  const run = startRunner([PIPELINE, '--until-idle'], {
    DOCPIPE_PREFIX: prefix,
    REDIS_URL: redisUrl,
    SLOW_MS: '1',
    DOCPIPE_LOG_LEVEL: 'debug',
    ...extraEnv,
  });
  const exit = await Promise.race([run.exited, deadline(90_000).then(() => undefined)]);
  if (!exit) run.proc.kill('SIGKILL');
  return { code: exit?.code ?? null, output: run.output() };
}

async function completed(options: RedisOptions & { port: number }, prefix: string): Promise<number> {
  const r = new Redis({ host: '127.0.0.1', ...options });
  try {
    return await r.xlen(`${prefix}:processing:completed`);
  } finally {
    r.disconnect();
  }
}

describe('Redis AUTH, TLS and ACL', { timeout: 300_000 }, () => {
  test('AUTH: a pipeline runs with a password in REDIS_URL, and the password never appears in its output', async () => {
    const server = await startRedisServer((port) => ['--port', String(port), '--requirepass', ADMIN_PASSWORD], dir);
    const prefix = uniquePrefix('auth');
    try {
      const auth = { port: server.port, password: ADMIN_PASSWORD };
      await produce(auth, prefix);
      const { code, output } = await runToIdle(`redis://:${ADMIN_PASSWORD}@127.0.0.1:${server.port}`, prefix);
      assert.equal(code, 0, output.slice(-3000));
      assert.equal(await completed(auth, prefix), DOCS);
      assert.ok(!output.includes(ADMIN_PASSWORD), 'the password is not in the runner output');

      // Operator commands: status and doctor (text and JSON) do not print the password either.
      for (const args of [['status'], ['status', '--json'], ['doctor'], ['doctor', '--json']]) {
        const r = spawnSync(process.execPath, [path.join(REPO, 'bin/docpipe.js'), ...args, PIPELINE], {
          cwd: REPO,
          encoding: 'utf8',
          timeout: 60_000,
          env: { ...process.env, DOCPIPE_PREFIX: prefix, REDIS_URL: `redis://:${ADMIN_PASSWORD}@127.0.0.1:${server.port}` },
        });
        const printed = `${r.stdout}${r.stderr}`;
        assert.ok(printed.length > 0, `docpipe ${args.join(' ')} printed something`);
        assert.ok(!printed.includes(ADMIN_PASSWORD), `docpipe ${args.join(' ')} does not print the password:\n${printed.slice(0, 1500)}`);
      }

      // A wrong password: a clear log line, the password still not printed.
      const wrong = `wrong-${randomBytes(6).toString('hex')}`;
      const bad = startRunner([PIPELINE, '--until-idle'], {
        DOCPIPE_PREFIX: prefix,
        REDIS_URL: `redis://:${wrong}@127.0.0.1:${server.port}`,
        DOCPIPE_LOG_LEVEL: 'info',
      });
      await bad.waitFor('redis unavailable', 30_000);
      bad.proc.kill('SIGKILL');
      await bad.exited;
      assert.match(bad.output(), /WRONGPASS|invalid username-password/);
      assert.ok(!bad.output().includes(wrong), 'a wrong password is not printed either');
      assert.match(bad.output(), /redis:\/\/:\*\*\*@127\.0\.0\.1/, 'the URL is shown redacted');
    } finally {
      await server.stop();
    }
  });

  test('TLS: rediss:// to a server with a throwaway CA (trusted via NODE_EXTRA_CA_CERTS); an untrusted certificate is refused', async () => {
    const certs = makeCertificates(path.join(dir, 'tls'));
    const server = await startRedisServer(
      (port) => [
        '--port',
        '0',
        '--tls-port',
        String(port),
        '--tls-cert-file',
        certs.cert,
        '--tls-key-file',
        certs.key,
        '--tls-ca-cert-file',
        certs.ca,
        '--tls-auth-clients',
        'no',
        '--requirepass',
        ADMIN_PASSWORD,
      ],
      dir,
    );
    const prefix = uniquePrefix('tls');
    try {
      const tls = { port: server.port, password: ADMIN_PASSWORD, tls: { ca: readFileSync(certs.ca), servername: 'localhost' } };
      await produce(tls, prefix);
      const url = `rediss://:${ADMIN_PASSWORD}@localhost:${server.port}`;
      const { code, output } = await runToIdle(url, prefix, { NODE_EXTRA_CA_CERTS: certs.ca });
      assert.equal(code, 0, output.slice(-3000));
      assert.equal(await completed(tls, prefix), DOCS);
      assert.ok(!output.includes(ADMIN_PASSWORD));

      // Without the CA the certificate is not trusted: the runner refuses to talk (and says why).
      const untrusted = startRunner([PIPELINE, '--until-idle'], { DOCPIPE_PREFIX: prefix, REDIS_URL: url, DOCPIPE_LOG_LEVEL: 'info' });
      await untrusted.waitFor('redis unavailable', 30_000);
      untrusted.proc.kill('SIGKILL');
      await untrusted.exited;
      assert.match(untrusted.output(), /self[- ]signed|unable to verify|certificate/i);
      // A plain redis:// client cannot reach the TLS-only server at all (--port 0).
      const plain = new Redis({
        host: '127.0.0.1',
        port: server.port,
        password: ADMIN_PASSWORD,
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
        connectTimeout: 2000,
      });
      plain.on('error', () => {});
      await assert.rejects(plain.connect().then(() => plain.ping()));
      plain.disconnect();
    } finally {
      await server.stop();
    }
  });

  test('ACL: a user limited to ~<prefix>:* and the documented commands runs the pipeline; nothing else is reachable', async () => {
    const server = await startRedisServer((port) => ['--port', String(port), '--requirepass', ADMIN_PASSWORD], dir);
    const prefix = uniquePrefix('acl');
    const admin = new Redis({ host: '127.0.0.1', port: server.port, password: ADMIN_PASSWORD });
    try {
      await admin.call(
        'ACL',
        'SETUSER',
        'docpipe-worker',
        'reset',
        'on',
        `>${WORKER_PASSWORD}`,
        `~${prefix}:*`,
        'resetchannels',
        '-@all',
        ...RUNNER_COMMANDS.map((c) => `+${c}`),
      );
      await admin.set('other-app:secret', 'not for docpipe');
      await produce({ port: server.port, password: ADMIN_PASSWORD }, prefix);
      await admin.call('ACL', 'LOG', 'RESET');
      const { code, output } = await runToIdle(`redis://docpipe-worker:${WORKER_PASSWORD}@127.0.0.1:${server.port}`, prefix);
      const denied = (await admin.call('ACL', 'LOG')) as unknown[][];
      const deniedText = denied.map((e) => JSON.stringify(e)).join('\n');
      assert.equal(code, 0, `${output.slice(-2000)}\nACL LOG:\n${deniedText}`);
      assert.equal(await admin.xlen(`${prefix}:processing:completed`), DOCS);
      assert.equal(denied.length, 0, `no command was denied:\n${deniedText}`);
      assert.ok(!output.includes(WORKER_PASSWORD));

      const worker = new Redis({ host: '127.0.0.1', port: server.port, username: 'docpipe-worker', password: WORKER_PASSWORD });
      try {
        await assert.rejects(worker.get('other-app:secret'), /NOPERM/, 'keys outside the prefix are out of reach');
        await assert.rejects(worker.call('FLUSHALL'), /NOPERM/);
        await assert.rejects(worker.call('CONFIG', 'SET', 'dir', '/tmp'), /NOPERM/);
        await assert.rejects(worker.call('KEYS', '*'), /NOPERM/);
        await assert.rejects(
          worker.eval("return redis.call('GET', 'other-app:secret')", 0),
          /NOPERM|can't access|permission/i,
          'not through a script either',
        );
      } finally {
        worker.disconnect();
      }
    } finally {
      admin.disconnect();
      await server.stop();
    }
  });
});

/** A throwaway CA and a server certificate for localhost / 127.0.0.1, made with openssl. */
function makeCertificates(out: string): { ca: string; cert: string; key: string } {
  execFileSync('mkdir', ['-p', out]);
  const p = (f: string) => path.join(out, f);
  const ssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  ssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    p('ca.key'),
    '-out',
    p('ca.crt'),
    '-days',
    '1',
    '-subj',
    '/CN=docpipe test CA',
  );
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', p('server.key'), '-out', p('server.csr'), '-subj', '/CN=localhost');
  writeFileSync(
    p('ext.cnf'),
    'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n',
  );
  ssl(
    'x509',
    '-req',
    '-in',
    p('server.csr'),
    '-CA',
    p('ca.crt'),
    '-CAkey',
    p('ca.key'),
    '-CAcreateserial',
    '-out',
    p('server.crt'),
    '-days',
    '1',
    '-extfile',
    p('ext.cnf'),
  );
  return { ca: p('ca.crt'), cert: p('server.crt'), key: p('server.key') };
}
