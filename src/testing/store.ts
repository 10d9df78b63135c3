/** A real Postgres store for tests: a fresh schema with docpipe's migrations applied, dropped after. */
import { randomBytes } from 'node:crypto';
import { connectStore, migrate, type Sql, type Store } from '../store/db.ts';

export interface TestStore extends Store {
  readonly sql: Sql;
  /** The schema's name: `dp_<label>_<8 hex digits>`. */
  readonly schema: string;
  /** A URL whose connections use this schema (for child processes). */
  readonly url: string;
  /** Closes the connections and drops the schema with everything in it. */
  drop(): Promise<void>;
}

/**
 * Creates a fresh schema on the Postgres at `url` (a role that may CREATE SCHEMA), applies every
 * migration in it and connects to it; one per test file or test, `drop()` it afterwards.
 */
export async function createTestStore(url: string, options: { label?: string } = {}): Promise<TestStore> {
  const schema = `dp_${(options.label ?? 't')
    .replace(/[^a-z0-9]/gi, '')
    .toLowerCase()
    .slice(0, 20)}_${randomBytes(4).toString('hex')}`;
  const admin = connectStore(url, { pool: 1 });
  await admin.unsafe(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const sql = connectStore(url, { pool: 4, schema });
  await migrate(sql);
  return {
    sql,
    schema,
    url: `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    async drop() {
      await sql.end({ timeout: 5 });
      const a = connectStore(url, { pool: 1 });
      await a.unsafe(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await a.end();
    },
  };
}
