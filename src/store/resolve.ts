/**
 * Opens the pipeline's store from `store.url`: `embedded` starts (or reuses) the embedded Postgres;
 * anything else is a postgres:// URL (Supabase's direct or pooled URL included). The first connection
 * is retried with backoff for a bounded time; then migrations are applied (advisory lock, idempotent).
 */
import { InfrastructureError } from '../errors.ts';
import { redactUrl, type Logger } from '../log/logger.ts';
import { connectStore, migrate, type Sql } from './db.ts';
import { startEmbedded, type EmbeddedServer } from './embedded.ts';
import { sleep } from '../util/sleep.ts';

export interface StoreConfig {
  url: string;
  dataDir: string;
  pool: number;
}

export interface OpenStoreOptions {
  /** Embedded only: leave the server running when this process closes the store. */
  keepRunning?: boolean;
  /** How long to retry the first connection (default 30 s). */
  connectTimeoutMs?: number;
  /** Apply migrations (default true). */
  migrate?: boolean;
}

export interface OpenedStore {
  sql: Sql;
  /** The URL connected to (for embedded: postgres://docpipe:…@127.0.0.1:<port>/docpipe). Redact before logging. */
  url: string;
  /** The embedded server handle, when `store.url` is `embedded`. */
  embedded: EmbeddedServer | undefined;
  /** Migrations applied by this call. */
  migrations: string[];
  /** Ends the pool; for embedded, releases the server (stopped when no other process uses it). */
  close(): Promise<void>;
}

export interface ParsedStoreUrl {
  url: string;
  /** false for transaction-mode poolers, which cannot keep prepared statements. */
  prepare: boolean;
}

/**
 * Normalises a postgres:// URL: `pgbouncer=true` (Prisma/Supabase convention) or port 6543 (Supabase's
 * transaction pooler) turns prepared statements off; the `pgbouncer` parameter is removed, since
 * postgres.js would send it to the server as a startup parameter.
 */
export function parseStoreUrl(raw: string): ParsedStoreUrl {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    // Multi-host URLs (h1:5432,h2:5432) are valid for postgres.js but not for WHATWG URL: pass them through.
    if (/^postgres(ql)?:\/\/[^/]*,/.test(raw)) {
      const pooled = /[?&]pgbouncer=(true|1)\b/.test(raw);
      return {
        url: raw.replace(/([?&])pgbouncer=[^&]*&?/, '$1').replace(/[?&]$/, ''),
        prepare: !pooled && !/[?&]prepare=false\b/.test(raw),
      };
    }
    throw new InfrastructureError(`store.url is not a valid URL: ${redactUrl(raw)}`, { code: 'DP_ERR_STORE_UNAVAILABLE' });
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') {
    throw new InfrastructureError(`store.url must be "embedded" or a postgres:// URL, got ${u.protocol}//…`, {
      code: 'DP_ERR_STORE_UNAVAILABLE',
    });
  }
  const pgbouncer = u.searchParams.get('pgbouncer');
  const explicit = u.searchParams.get('prepare');
  u.searchParams.delete('pgbouncer');
  const pooled = pgbouncer === 'true' || pgbouncer === '1' || u.port === '6543';
  const prepare = explicit === 'false' ? false : !pooled;
  return { url: u.toString(), prepare };
}

export async function openStore(storeConfig: StoreConfig, log: Logger, options: OpenStoreOptions = {}): Promise<OpenedStore> {
  let embedded: EmbeddedServer | undefined;
  let url: string;
  let prepare = true;
  if (storeConfig.url.trim() === 'embedded') {
    embedded = await startEmbedded({ dataDir: storeConfig.dataDir, log, keepRunning: options.keepRunning });
    url = embedded.url;
  } else {
    ({ url, prepare } = parseStoreUrl(storeConfig.url));
  }
  // PGAPPNAME (libpq's variable) names the sessions when set, so operators can find a pipeline's connections
  const sql = connectStore(url, {
    pool: storeConfig.pool,
    prepare,
    applicationName: embedded?.applicationName ?? (process.env['PGAPPNAME'] || 'docpipe'),
  });
  try {
    await waitForStore(sql, url, log, options.connectTimeoutMs ?? 30_000);
    const migrations = options.migrate === false ? [] : await migrate(sql);
    if (migrations.length) log.info({ migrations }, 'store: migrations applied');
    let closed = false;
    return {
      sql,
      url,
      embedded,
      migrations,
      async close() {
        if (closed) return;
        closed = true;
        await sql.end({ timeout: 5 });
        await embedded?.release();
      },
    };
  } catch (err) {
    await sql.end({ timeout: 1 }).catch(() => {});
    await embedded?.release().catch(() => {});
    throw err;
  }
}

/** SQLSTATEs a retry cannot fix: bad password, unknown database or role, bad parameter. */
const FATAL_CODES = new Set(['28P01', '28000', '3D000', '42704', '22023', '42501']);

async function waitForStore(sql: Sql, url: string, log: Logger, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let delay = 250;
  for (let attempt = 1; ; attempt++) {
    try {
      await sql`SELECT 1`;
      if (attempt > 1) log.info({ store: redactUrl(url), attempt }, 'store: connected');
      return;
    } catch (err) {
      const code = (err as { code?: string }).code;
      const message = (err as Error).message;
      if (code && FATAL_CODES.has(code)) {
        throw new InfrastructureError(`store ${redactUrl(url)} refused the connection: ${message}`, {
          code: 'DP_ERR_STORE_UNAVAILABLE',
          cause: err,
        });
      }
      if (Date.now() + delay > deadline) {
        throw new InfrastructureError(
          `store ${redactUrl(url)} unreachable after ${attempt} attempts over ${Math.round(timeoutMs / 1000)} s: ${message}`,
          { code: 'DP_ERR_STORE_UNAVAILABLE', cause: err },
        );
      }
      log.warn({ store: redactUrl(url), attempt, retryInMs: delay, err: message }, 'store: unreachable, retrying');
      await sleep(delay);
      delay = Math.min(delay * 2, 5_000);
    }
  }
}
