/**
 * Files outside `files.allowed_roots`: `docpipe submit` refuses them up front (nothing submitted,
 * the fix printed); documents given to `docpipe-run --input <folder>` stay readable by a later run
 * without --input, so a redrive completes.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../helpers/redis.ts';
import { REPO, RUN_BIN } from '../helpers/runner-process.ts';

const PIPELINE = path.join(REPO, 'test', 'fixtures', 'pipelines', 'one-stage.yaml');
const DOCPIPE_BIN = path.join(REPO, 'bin', 'docpipe.js');
const elsewhere = mkdtempSync(path.join(tmpdir(), 'dp-elsewhere-'));
const prefix = uniquePrefix('roots');
let db: TestDb;
before(async () => {
  db = await createTestDb('roots');
  writeFileSync(path.join(elsewhere, 'good.txt'), 'a good contract\n');
  writeFileSync(path.join(elsewhere, 'bad.txt'), 'a contract that fails the first time\n');
});
after(async () => {
  await db.drop();
  await dropPrefix(TEST_REDIS_URL, prefix);
  rmSync(elsewhere, { recursive: true, force: true });
});

function cli(
  bin: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  // DOCPIPE_DOCUMENTS unset: the fixture's only root is its own folder, so `elsewhere` is outside
  const base: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: db.url, REDIS_URL: TEST_REDIS_URL, DOCPIPE_PREFIX: prefix };
  delete base['DOCPIPE_DOCUMENTS'];
  const proc = spawn(process.execPath, [bin, ...args], { cwd: REPO, env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => proc.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('files outside files.allowed_roots', { timeout: 240_000 }, () => {
  test('docpipe submit refuses them with exit 2 and the fix, submitting nothing', async () => {
    const r = await cli(DOCPIPE_BIN, ['submit', PIPELINE, elsewhere]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /nothing submitted: outside files\.allowed_roots/);
    assert.ok(r.stderr.includes(`DOCPIPE_DOCUMENTS=${elsewhere}`), r.stderr);
    assert.ok(r.stderr.includes(`add ${elsewhere} to files.allowed_roots`), r.stderr);
    const [rows] = await db.sql<{ n: string }[]>`SELECT count(*) AS n FROM source_documents`;
    assert.equal(Number(rows!.n), 0, 'no row created');
    const redis = new Redis(TEST_REDIS_URL);
    try {
      assert.equal(await redis.exists(`${prefix}:check:pending`), 0, 'nothing published');
    } finally {
      redis.disconnect();
    }
  });

  test('a document from docpipe-run --input <elsewhere>, redriven, completes in a later run without --input', async () => {
    const first = await cli(RUN_BIN, [PIPELINE, '--input', elsewhere, '--until-idle']);
    assert.equal(first.code, 3, first.stdout + first.stderr.slice(-2000));
    assert.match(first.stdout, /bad\.txt: refused: a bad document/);
    const redrive = await cli(DOCPIPE_BIN, ['dlq', PIPELINE, 'redrive', '--all']);
    assert.equal(redrive.code, 0, redrive.stdout + redrive.stderr);
    const second = await cli(RUN_BIN, [PIPELINE, '--until-idle'], { FAIL_BAD: '0' });
    assert.equal(second.code, 0, second.stdout + second.stderr.slice(-2000));
    assert.match(second.stdout, /documents: completed 1 \(in/);
    const rows = await db.sql<
      { file_name: string; initial_processing_status: string }[]
    >`SELECT file_name, initial_processing_status FROM source_documents ORDER BY file_name`;
    assert.deepEqual(
      rows.map((r) => `${r.file_name} ${r.initial_processing_status}`),
      ['bad.txt completed', 'good.txt completed'],
    );
  });
});
