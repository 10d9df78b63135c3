/**
 * The Quick start on a fresh machine: no DATABASE_URL, so docpipe brings up its embedded Postgres
 * by itself, processes the examples, and a second run reuses the same database.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../helpers/redis.ts';
import { startRunner } from '../helpers/runner-process.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'dp-embedded-'));
chmodSync(dir, 0o755); // the embedded server runs as the postgres system user
const prefix = uniquePrefix('embedded');
after(async () => {
  rmSync(dir, { recursive: true, force: true });
  await dropPrefix(TEST_REDIS_URL, prefix);
});

test('docpipe-run --input examples/documents --until-idle on the embedded Postgres, twice', { timeout: 240_000 }, async () => {
  const env = { DATABASE_URL: '', DOCPIPE_PG_DIR: path.join(dir, 'pg'), DOCPIPE_PREFIX: prefix, REDIS_URL: TEST_REDIS_URL };
  const args = ['pipeline.yaml', '--input', 'examples/documents', '--until-idle', '--log-level', 'info'];
  const first = startRunner(args, env);
  assert.equal((await first.exited).code, 0, first.output().slice(-3000));
  assert.match(first.output(), /embedded postgres: initialised a new data folder/);
  assert.match(first.output(), /documents: completed 4/);
  assert.ok(existsSync(path.join(dir, 'pg', 'PG_VERSION')), 'data kept under the data folder');

  const second = startRunner(args, env);
  assert.equal((await second.exited).code, 0, second.output().slice(-3000));
  assert.doesNotMatch(second.output(), /initialised a new data folder/, 'the second run reuses the database');
  assert.match(second.output(), /documents: completed 4/);
  // the same source documents (same uuids) were found again rather than inserted anew
  const uuids = (out: string) => [...out.matchAll(/"document_uuid":"([0-9a-f-]{36})"/g)].map((m) => m[1]).sort();
  const a = new Set(uuids(first.output()));
  const b = new Set(uuids(second.output()));
  assert.ok(a.size >= 4 && [...b].every((u) => a.has(u)), 'the second run processed the same documents');
});
