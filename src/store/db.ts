import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';

export type Sql = postgres.Sql;

/** The Postgres handle given to stages as `ctx.store`. */
export interface Store {
  readonly sql: Sql;
  /** false when the store cannot run transactions (`store.url: none`); handlers then run without one. */
  readonly transactions?: boolean;
}

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
/** Advisory lock key serialising migrations across processes ("docpipe" in ASCII). */
const MIGRATION_LOCK = 0x646f6370; // "docp"

export interface ConnectOptions {
  pool?: number;
  schema?: string;
  /** false for transaction-mode poolers (PgBouncer, Supabase's pooled URL on port 6543). */
  prepare?: boolean;
  /** application_name of the sessions (the embedded store counts other processes' sessions by it). */
  applicationName?: string;
}

export function connectStore(url: string, options: ConnectOptions = {}): Sql {
  return postgres(url, {
    max: options.pool ?? 10,
    onnotice: () => {},
    ...(options.prepare === false ? { prepare: false } : {}),
    connection: {
      ...(options.schema ? { search_path: options.schema } : {}),
      ...(options.applicationName ? { application_name: options.applicationName } : {}),
    },
    transform: { undefined: null },
  });
}

/** Applies every migration not yet applied, in order, under an advisory lock. Idempotent. */
export async function migrate(sql: Sql): Promise<string[]> {
  // nothing to do: touch nothing (a least-privilege role may not CREATE in the schema)
  if ((await pendingMigrations(sql)).length === 0) return [];
  const files = readdirSync(MIGRATIONS_DIR)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  const applied: string[] = [];
  await sql.begin(async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`;
    await tx`CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`;
    const done = new Set((await tx<{ version: string }[]>`SELECT version FROM schema_migrations`).map((r) => r.version));
    for (const file of files) {
      if (done.has(file)) continue;
      await tx.unsafe(readFileSync(MIGRATIONS_DIR + file, 'utf8'));
      await tx`INSERT INTO schema_migrations (version) VALUES (${file})`;
      applied.push(file);
    }
  });
  return applied;
}

export async function pendingMigrations(sql: Sql): Promise<string[]> {
  const files = readdirSync(MIGRATIONS_DIR)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  const [{ exists } = { exists: false }] = await sql<{ exists: boolean }[]>`SELECT to_regclass('schema_migrations') IS NOT NULL AS exists`;
  if (!exists) return files;
  const done = new Set((await sql<{ version: string }[]>`SELECT version FROM schema_migrations`).map((r) => r.version));
  return files.filter((f) => !done.has(f));
}
