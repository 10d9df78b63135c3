/** openStore on a postgres:// URL, migrations (idempotent, concurrent), and URL handling. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { DocpipeError } from '../../src/errors.ts';
import { connectStore, migrate, pendingMigrations } from '../../src/store/db.ts';
import { openStore, parseStoreUrl } from '../../src/store/resolve.ts';
import { TEST_DATABASE_URL } from '../helpers/db.ts';

const ALL_MIGRATIONS = readdirSync(fileURLToPath(new URL('../../src/store/migrations/', import.meta.url)))
  .filter((f) => f.endsWith('.sql'))
  .sort();
const lines: string[] = [];
const log = pino({ level: 'info' }, new Writable({ write: (c: Buffer, _e, cb) => (lines.push(c.toString()), cb()) }));

/** An empty schema (no migrations) and a URL whose sessions use it. */
async function emptySchema(): Promise<{ url: string; drop(): Promise<void> }> {
  const schema = `dp_open_${randomBytes(4).toString('hex')}`;
  const admin = connectStore(TEST_DATABASE_URL, { pool: 1 });
  await admin.unsafe(`CREATE SCHEMA ${schema}`);
  return {
    url: `${TEST_DATABASE_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    async drop() {
      await admin.unsafe(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.end();
    },
  };
}

test('openStore on an empty database applies every migration; a second open applies none', async () => {
  const s = await emptySchema();
  try {
    const first = await openStore({ url: s.url, dataDir: '/nonexistent', pool: 2 }, log);
    assert.deepEqual(first.migrations, ALL_MIGRATIONS);
    assert.ok(ALL_MIGRATIONS.includes('002_store_intake.sql'));
    assert.equal(first.embedded, undefined);
    const tables = await first.sql<
      { table_name: string }[]
    >`SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name LIKE 'neo4j_%' ORDER BY table_name`;
    assert.deepEqual(
      tables.map((t) => t.table_name),
      [
        'neo4j_canonical_entities',
        'neo4j_chunks',
        'neo4j_documents',
        'neo4j_entity_mentions',
        'neo4j_project_entities',
        'neo4j_relationships_staging',
      ],
    );
    await first.close();
    await first.close();
    const second = await openStore({ url: s.url, dataDir: '/nonexistent', pool: 2 }, log);
    assert.deepEqual(second.migrations, []);
    assert.deepEqual(await pendingMigrations(second.sql), []);
    assert.deepEqual(await migrate(second.sql), [], 'migrate twice is a no-op');
    await second.close();
  } finally {
    await s.drop();
  }
});

test('migrations from several processes at once apply exactly once (advisory lock)', async () => {
  const s = await emptySchema();
  const pools = Array.from({ length: 4 }, () => connectStore(s.url, { pool: 1 }));
  try {
    const applied = await Promise.all(pools.map((p) => migrate(p)));
    assert.deepEqual(applied.flat().sort(), ALL_MIGRATIONS);
  } finally {
    await Promise.all(pools.map((p) => p.end()));
    await s.drop();
  }
});

test('an unreachable store fails after the bounded retry with a clear error, password redacted', async () => {
  const port = await new Promise<number>((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(p));
    });
  });
  lines.length = 0;
  await assert.rejects(
    openStore({ url: `postgres://u:hunter2@127.0.0.1:${port}/db`, dataDir: '', pool: 1 }, log, { connectTimeoutMs: 800 }),
    (e: unknown) => {
      assert.ok(e instanceof DocpipeError);
      assert.equal(e.code, 'DP_ERR_STORE_UNAVAILABLE');
      assert.equal(e.kind, 'infrastructure');
      assert.match(e.message, /unreachable after \d+ attempts/);
      assert.doesNotMatch(e.message, /hunter2/);
      return true;
    },
  );
  assert.ok(
    lines.some((l) => l.includes('store: unreachable, retrying')),
    'a log line per retry',
  );
  assert.ok(lines.every((l) => !l.includes('hunter2')));
});

test('a database that does not exist fails at once (no retry loop)', async () => {
  const u = new URL(TEST_DATABASE_URL);
  u.pathname = `/no_such_db_${randomBytes(3).toString('hex')}`;
  lines.length = 0;
  await assert.rejects(openStore({ url: u.toString(), dataDir: '', pool: 1 }, log, { connectTimeoutMs: 60_000 }), /refused the connection/);
  assert.ok(!lines.some((l) => l.includes('retrying')));
});

test('parseStoreUrl: Supabase pooled URLs turn prepared statements off and drop pgbouncer=true', () => {
  assert.deepEqual(parseStoreUrl('postgres://u:p@db.abc.supabase.co:5432/postgres'), {
    url: 'postgres://u:p@db.abc.supabase.co:5432/postgres',
    prepare: true,
  });
  const pooled = parseStoreUrl('postgresql://postgres.abc:p@aws-0-eu-central-1.pooler.supabase.com:6543/postgres');
  assert.equal(pooled.prepare, false);
  const bouncer = parseStoreUrl('postgres://u:p@host:5432/db?pgbouncer=true&sslmode=require');
  assert.deepEqual(bouncer, { url: 'postgres://u:p@host:5432/db?sslmode=require', prepare: false });
  assert.equal(parseStoreUrl('postgres://u:p@host/db?prepare=false').prepare, false);
  assert.deepEqual(parseStoreUrl('postgres://u:p@h1:5432,h2:5432/db?pgbouncer=true&sslmode=require'), {
    url: 'postgres://u:p@h1:5432,h2:5432/db?sslmode=require',
    prepare: false,
  });
  assert.deepEqual(parseStoreUrl('postgres://u:p@h1:5432,h2:5432/db?pgbouncer=true'), {
    url: 'postgres://u:p@h1:5432,h2:5432/db',
    prepare: false,
  });
  assert.throws(() => parseStoreUrl('mysql://x@y/z'), /must be "embedded" or a postgres:\/\/ URL/);
  assert.throws(() => parseStoreUrl('not a url'), /not a valid URL/);
});

test('a pooled (prepare: false) connection runs queries with parameters', async () => {
  const sql = connectStore(TEST_DATABASE_URL, { pool: 1, prepare: false, applicationName: 'docpipe-test' });
  try {
    const [r] = await sql<{ n: number; app: string }[]>`SELECT ${41}::int + 1 AS n, current_setting('application_name') AS app`;
    assert.deepEqual(r, { n: 42, app: 'docpipe-test' });
  } finally {
    await sql.end();
  }
});
