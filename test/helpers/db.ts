import { randomBytes } from 'node:crypto';
import { connectStore, migrate, type Sql } from '../../src/store/db.ts';
import { DEFAULT_PROBE_URL } from './postgres.ts';

/**
 * The real Postgres used by tests: TEST_DATABASE_URL, which scripts/run-tests.js sets for every test
 * file (the local server when it answers, else an embedded one: test/helpers/postgres.ts); a file run
 * on its own falls back to the local server (trust auth, database `test`).
 */
export const TEST_DATABASE_URL = process.env['TEST_DATABASE_URL'] || DEFAULT_PROBE_URL;

export interface TestDb {
  sql: Sql;
  schema: string;
  /** A URL whose connections use this schema (for child processes). */
  url: string;
  drop(): Promise<void>;
}

/** A fresh schema with every migration applied; `drop()` removes it. One per test file or test. */
export async function createTestDb(label = 't'): Promise<TestDb> {
  const schema = `dp_${label.replace(/[^a-z0-9]/gi, '').toLowerCase().slice(0, 20)}_${randomBytes(4).toString('hex')}`;
  const admin = connectStore(TEST_DATABASE_URL, { pool: 1 });
  await admin.unsafe(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const sql = connectStore(TEST_DATABASE_URL, { pool: 4, schema });
  await migrate(sql);
  const url = `${TEST_DATABASE_URL}${TEST_DATABASE_URL.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  return {
    sql,
    schema,
    url,
    async drop() {
      await sql.end({ timeout: 5 });
      const a = connectStore(TEST_DATABASE_URL, { pool: 1 });
      await a.unsafe(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await a.end();
    },
  };
}
