/**
 * How a test run finds its Postgres (test/helpers/postgres.ts, used by scripts/run-tests.js):
 * TEST_DATABASE_URL as given, else the probe URL when it answers, else an embedded server in a
 * temporary folder that is gone after stop().
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import postgres from 'postgres';
import { TEST_DATABASE_URL } from '../helpers/db.ts';
import { answers, testPostgres } from '../helpers/postgres.ts';
import { freePort } from '../helpers/redis.ts';

test('TEST_DATABASE_URL is used as given, without probing', async () => {
  const pg = await testPostgres({ TEST_DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
  assert.deepEqual([pg.source, pg.url], ['TEST_DATABASE_URL', 'postgres://nobody@127.0.0.1:1/none']);
  await pg.stop();
});

test('a probe URL that answers is used', async () => {
  const pg = await testPostgres({ DOCPIPE_TEST_PG_PROBE: TEST_DATABASE_URL });
  assert.deepEqual([pg.source, pg.url], ['local', TEST_DATABASE_URL]);
});

test('nothing at the probe URL: an embedded Postgres for the run, removed on stop', { timeout: 180_000 }, async () => {
  const closed = `postgres://postgres@127.0.0.1:${await freePort()}/test`;
  assert.equal(await answers(closed), false);
  const pg = await testPostgres({ DOCPIPE_TEST_PG_PROBE: closed });
  assert.equal(pg.source, 'embedded');
  const sql = postgres(pg.url, { max: 1, onnotice: () => {} });
  const dataDir = String(
    (await sql<Array<{ setting: string }>>`SELECT setting FROM pg_settings WHERE name = 'data_directory'`)[0]!.setting,
  );
  await sql`CREATE SCHEMA probe_check`;
  await sql.end();
  assert.ok(existsSync(dataDir));
  await pg.stop();
  assert.equal(existsSync(dataDir), false, 'the data folder is removed');
  assert.equal(await answers(pg.url), false, 'the server is stopped');
});
