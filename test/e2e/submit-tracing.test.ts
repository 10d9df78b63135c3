/**
 * `docpipe submit` with the standard OTEL_* environment (issue #22): each submitted file's trace
 * starts with its `submit <pipeline>` root span, exported by the submit process, and the attempts of
 * the `docpipe-run` that processes it (another process) hang under it, with the attempt's store
 * transaction under the attempt. Real CLIs, a test database, an in-process OTLP/HTTP receiver.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startOtlpReceiver, type OtlpReceiver } from '../fakes/otlp-receiver.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../helpers/redis.ts';
import { REPO, RUN_BIN } from '../helpers/runner-process.ts';

const PIPELINE = path.join(REPO, 'test', 'fixtures', 'pipelines', 'one-stage.yaml');
const DOCPIPE_BIN = path.join(REPO, 'bin', 'docpipe.js');
const documents = mkdtempSync(path.join(tmpdir(), 'dp-submit-trace-'));
const prefix = uniquePrefix('submit-trace');
let db: TestDb;
let receiver: OtlpReceiver;

before(async () => {
  db = await createTestDb('subtrace');
  receiver = await startOtlpReceiver();
  writeFileSync(path.join(documents, 'lease.txt'), 'a lease agreement\n');
  writeFileSync(path.join(documents, 'deed.txt'), 'a deed of sale\n');
});
after(async () => {
  await receiver.close();
  await db.drop();
  await dropPrefix(TEST_REDIS_URL, prefix);
  rmSync(documents, { recursive: true, force: true });
});

function cli(bin: string, args: string[], service: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: db.url,
    REDIS_URL: TEST_REDIS_URL,
    DOCPIPE_PREFIX: prefix,
    DOCPIPE_DOCUMENTS: documents,
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
    OTEL_SERVICE_NAME: service,
  };
  const proc = spawn(process.execPath, [bin, ...args], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => proc.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('docpipe submit with OTEL_* set', { timeout: 240_000 }, () => {
  test('each document: a submit root span, the runner attempt under it, the transaction under the attempt', async () => {
    const submitted = await cli(DOCPIPE_BIN, ['submit', PIPELINE, documents], 'docpipe-submit');
    assert.equal(submitted.code, 0, submitted.stdout + submitted.stderr);
    const uuids = [...submitted.stdout.matchAll(/^([0-9a-f-]{36})\s+\.txt\s+(\S+)$/gm)].map((m) => ({
      uuid: m[1]!,
      file: path.basename(m[2]!),
    }));
    assert.deepEqual(uuids.map((u) => u.file).sort(), ['deed.txt', 'lease.txt'], submitted.stdout);

    const run = await cli(RUN_BIN, [PIPELINE, '--until-idle'], 'docpipe-run');
    assert.equal(run.code, 0, run.stdout + run.stderr.slice(-2000));
    assert.match(run.stdout, /documents: completed 2 \(in/);
    assert.ok(
      receiver.requests.every((r) => r.status === 200 && r.contentType === 'application/json'),
      JSON.stringify(receiver.requests),
    );

    for (const { uuid, file } of uuids) {
      const root = receiver.spans.find((s) => s.name === 'submit one-stage' && s.attributes['docpipe.document.uuid'] === uuid);
      assert.ok(root, `a submit span for ${file}`);
      assert.equal(root.parentSpanId, '', 'submit is the root of the document trace');
      assert.equal(root.kind, 4, 'a producer span');
      assert.equal(root.resource['service.name'], 'docpipe-submit');
      assert.equal(root.attributes['docpipe.file_name'], file);
      const spans = receiver.spans.filter((s) => s.traceId === root.traceId);
      const attempts = spans.filter((s) => s.name === 'stage check');
      assert.equal(attempts.length, 1, `${file}: one attempt`);
      const attempt = attempts[0]!;
      assert.equal(attempt.parentSpanId, root.spanId, 'the attempt of the other process hangs under submit');
      assert.equal(attempt.resource['service.name'], 'docpipe-run');
      assert.equal(attempt.attributes['docpipe.document.uuid'], uuid);
      assert.equal(attempt.attributes['docpipe.outcome'], 'processed');
      const tx = spans.filter((s) => s.name === 'store transaction');
      assert.equal(tx.length, 1, `${file}: the attempt's transaction`);
      assert.equal(tx[0]!.parentSpanId, attempt.spanId, 'the transaction hangs under its attempt');
      assert.deepEqual(spans.map((s) => s.name).sort(), ['stage check', 'store transaction', 'submit one-stage']);
    }
  });
});
