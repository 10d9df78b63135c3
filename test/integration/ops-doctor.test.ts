/**
 * `docpipe doctor` on a redis-server of the test's own: flags allkeys-lru and AOF off, passes on
 * noeviction + appendonly yes; reports missing migrations on a real Postgres and the OCR engine;
 * never prints secrets.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { doctorCommand } from '../../src/cli/doctor.ts';
import type { Finding } from '../../src/ops/doctor.ts';
import { detectTesseract } from '../../src/providers/extract/ocr/select.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { OwnRedis } from '../helpers/redis.ts';
import { REPO } from '../helpers/runner-process.ts';

const PIPELINE = path.join(REPO, 'test/fixtures/ops/pipeline.yaml');

interface DoctorJson {
  ok: boolean;
  production: boolean;
  findings: Finding[];
}

async function doctor(
  env: Record<string, string>,
  opts: { production?: boolean; json?: boolean } = { json: true },
): Promise<{ code: number; out: string; report?: DoctorJson }> {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  const lines: string[] = [];
  try {
    const code = await doctorCommand(PIPELINE, opts, { log: (s) => lines.push(s), error: (s) => lines.push(s) });
    const out = lines.join('\n');
    return { code, out, report: opts.json ? (JSON.parse(out) as DoctorJson) : undefined };
  } finally {
    process.env = saved;
  }
}

const level = (r: DoctorJson | undefined, check: string) => r?.findings.find((f) => f.check === check)?.level;

describe('doctor', { timeout: 60_000 }, () => {
  let own: OwnRedis;
  let admin: Redis;
  before(async () => {
    own = await OwnRedis.start({ aof: false });
    admin = new Redis(own.url, { maxRetriesPerRequest: 1 });
    admin.on('error', () => undefined); // the server stops before the test file ends
  });
  after(async () => {
    admin.disconnect();
    await own.stop();
  });

  test('reports the local OCR engine that will be used and the tesseract version', async () => {
    const { report, out } = await doctor({ REDIS_URL: own.url, DOCPIPE_PREFIX: 'dptest-ocr', DATABASE_URL: 'none' });
    const ocr = report?.findings.find((f) => f.check === 'ocr');
    const installed = detectTesseract();
    if (installed.problem) {
      assert.equal(ocr?.level, 'info', out);
      assert.match(ocr?.message ?? '', /engine tesseract\.js/);
    } else {
      assert.equal(ocr?.level, 'ok', out);
      assert.match(ocr?.message ?? '', /engine native: tesseract \(tesseract \d+\.\d+/);
    }
  });

  test('flags allkeys-lru and AOF off (unsafe for a production prefix), exit 1', async () => {
    await admin.config('SET', 'maxmemory-policy', 'allkeys-lru');
    await admin.config('SET', 'appendonly', 'no');
    const env = { REDIS_URL: own.url, DOCPIPE_PREFIX: 'legal-prod', DATABASE_URL: 'none' };
    const { code, report } = await doctor(env);
    assert.equal(code, 1);
    assert.equal(report?.ok, false);
    assert.equal(report?.production, true);
    assert.equal(level(report, 'maxmemory-policy'), 'unsafe');
    assert.equal(level(report, 'persistence'), 'unsafe');
    assert.match(report!.findings.find((f) => f.check === 'maxmemory-policy')!.fix!, /noeviction/);

    // human output names the problem and the fix
    const text = await doctor(env, {});
    assert.equal(text.code, 1);
    assert.match(text.out, /UNSAFE maxmemory-policy: maxmemory-policy allkeys-lru evicts ANY key/);
    assert.match(text.out, /fix: CONFIG SET appendonly yes/);

    // a test prefix: AOF off is only a warning, allkeys-lru stays unsafe
    const dev = await doctor({ ...env, DOCPIPE_PREFIX: 'dptest-doctor' });
    assert.equal(level(dev.report, 'persistence'), 'warn');
    assert.equal(dev.code, 1);
  });

  test('passes on noeviction + appendonly yes, and on a volatile-* policy', async () => {
    await admin.config('SET', 'maxmemory-policy', 'noeviction');
    await admin.config('SET', 'appendonly', 'yes');
    const env = { REDIS_URL: own.url, DOCPIPE_PREFIX: 'legal-prod', DATABASE_URL: 'none' };
    const safe = await doctor(env, { json: true, production: true });
    assert.equal(safe.code, 0, JSON.stringify(safe.report));
    assert.equal(safe.report?.ok, true);
    assert.equal(level(safe.report, 'maxmemory-policy'), 'ok');
    assert.equal(level(safe.report, 'persistence'), 'ok');
    await admin.config('SET', 'maxmemory-policy', 'volatile-lru');
    assert.equal((await doctor(env)).code, 0);
  });

  test('maxmemory almost used up is unsafe', async () => {
    await admin.config('SET', 'maxmemory-policy', 'noeviction');
    const used = Number(/used_memory:(\d+)/.exec(await admin.info('memory'))![1]);
    await admin.config('SET', 'maxmemory', String(Math.ceil(used * 1.02)));
    try {
      const r = await doctor({ REDIS_URL: own.url, DOCPIPE_PREFIX: 'legal-prod', DATABASE_URL: 'none' });
      assert.equal(level(r.report, 'maxmemory'), 'unsafe');
      assert.equal(r.code, 1);
    } finally {
      await admin.config('SET', 'maxmemory', '0');
    }
  });

  test('unreachable Redis is unsafe, and the password in its URL is never printed', async () => {
    const port = own.port;
    const r = await doctor({ REDIS_URL: `redis://:s3cret-pass@127.0.0.1:1/`, DOCPIPE_PREFIX: 'legal-prod', DATABASE_URL: 'none' }, {});
    assert.equal(r.code, 1);
    assert.match(r.out, /UNSAFE redis: cannot read/);
    assert.doesNotMatch(r.out, /s3cret-pass/);
    assert.ok(port > 0);
  });

  describe('with a Postgres store', () => {
    let db: TestDb;
    before(async () => {
      db = await createTestDb('doctor');
    });
    after(async () => {
      await db.drop();
    });

    test('reports migrations not applied; never prints the database password', async () => {
      await admin.config('SET', 'maxmemory-policy', 'noeviction');
      const env = { REDIS_URL: own.url, DOCPIPE_PREFIX: 'legal-prod', DATABASE_URL: db.url };
      const clean = await doctor(env);
      assert.equal(level(clean.report, 'store'), 'ok');
      assert.equal(level(clean.report, 'migrations'), 'ok');

      const [last] = await db.sql<{ version: string }[]>`SELECT version FROM schema_migrations ORDER BY version DESC LIMIT 1`;
      await db.sql`DELETE FROM schema_migrations WHERE version = ${last!.version}`;
      const behind = await doctor(env);
      assert.equal(level(behind.report, 'migrations'), 'warn');
      assert.match(behind.report!.findings.find((f) => f.check === 'migrations')!.message, new RegExp(last!.version.replace('.', '\\.')));

      const secret = await doctor({ ...env, DATABASE_URL: 'postgres://docpipe:pg-s3cret@127.0.0.1:1/nodb' }, {});
      assert.equal(secret.code, 1);
      assert.match(secret.out, /UNSAFE store: Postgres postgres:\/\/docpipe:\*\*\*@127\.0\.0\.1:1\/nodb unreachable/);
      assert.doesNotMatch(secret.out, /pg-s3cret/);
    });
  });
});
