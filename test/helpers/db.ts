import { createTestStore, type TestStore } from '../../src/testing/index.ts';
import { DEFAULT_PROBE_URL } from './postgres.ts';

/**
 * The real Postgres used by tests: TEST_DATABASE_URL, which scripts/run-tests.js sets for every test
 * file (the local server when it answers, else an embedded one: test/helpers/postgres.ts); a file run
 * on its own falls back to the local server (trust auth, database `test`).
 */
export const TEST_DATABASE_URL = process.env['TEST_DATABASE_URL'] || DEFAULT_PROBE_URL;

export type TestDb = TestStore;

/** A fresh schema with every migration applied (docpipe/testing's createTestStore on the test Postgres); `drop()` removes it. */
export function createTestDb(label = 't'): Promise<TestDb> {
  return createTestStore(TEST_DATABASE_URL, { label });
}
