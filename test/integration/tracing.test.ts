/**
 * OpenTelemetry traces (issue #22): the real `docpipe-run` with the standard OTEL_* environment
 * exports to an in-process OTLP/HTTP receiver; documents are submitted from this process with
 * tracing on (the `submit` root span), so one document's trace spans both processes. Asserts the
 * span tree of a document that retried once, and of one that was dead-lettered and redriven.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { loadPipeline } from '../../src/config/load.ts';
import { closeOps, openOps } from '../../src/ops/connect.ts';
import { redrive } from '../../src/ops/dlq.ts';
import { createDocumentMachine } from '../../src/state/machine.ts';
import { Broker } from '../../src/streams/broker.ts';
import { connectRedis } from '../../src/streams/redis.ts';
import { startTracing } from '../../src/telemetry/tracing.ts';
import { firstStageFields } from '../../src/worker/intake.ts';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../fakes/otlp-receiver.ts';
import { completedDocs, dlq } from '../helpers/engine.ts';
import { silentLog, withEnv } from '../helpers/in-process.ts';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../helpers/redis.ts';
import { REPO, startRunner } from '../helpers/runner-process.ts';

const PIPELINE = path.join(REPO, 'test/fixtures/engine/pipeline.yaml');
const prefixes: string[] = [];
let receiver: OtlpReceiver;

before(async () => {
  receiver = await startOtlpReceiver();
});

after(async () => {
  await receiver.close();
  for (const p of prefixes) await dropPrefix(TEST_REDIS_URL, p);
});

/** Submits documents n = 1..count to the first stage from this process, with tracing on here too. */
async function submit(prefix: string, count: number): Promise<Map<number, string>> {
  const env = { DOCPIPE_PREFIX: prefix, REDIS_URL: TEST_REDIS_URL };
  const config = loadPipeline(PIPELINE, { ...process.env, ...env });
  const tracing = await withEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_SERVICE_NAME: 'docpipe-submit' }, async () =>
    startTracing({ pipeline: config.name }),
  );
  assert.ok(tracing, 'OTEL_EXPORTER_OTLP_ENDPOINT turns tracing on');
  const redis = connectRedis(config.redis, silentLog, 'test:submit');
  const docs = new Map<number, string>();
  try {
    const broker = new Broker(redis, config, createDocumentMachine(config.stages.map((s) => s.name)));
    for (let n = 1; n <= count; n++) {
      const uuid = randomUUID();
      docs.set(n, uuid);
      const fields = firstStageFields(
        { document_uuid: uuid, source_doc_sql_id: n, n, meta: { tags: ['a'] }, file_path: `/data/doc-${n}.pdf` },
        config.pipelineVersion,
      );
      assert.equal((await broker.submit(uuid, fields)).published, true);
    }
  } finally {
    await tracing.shutdown();
    redis.disconnect();
  }
  return docs;
}

/** Runs the real CLI until idle with tracing on (the spans are exported when it stops). */
async function runUntilIdle(prefix: string, env: Record<string, string>): Promise<number | null> {
  const r = startRunner([PIPELINE, '--until-idle'], {
    DOCPIPE_PREFIX: prefix,
    REDIS_URL: TEST_REDIS_URL,
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
    OTEL_SERVICE_NAME: 'docpipe-test',
    ...env,
  });
  const { code } = await r.exited;
  assert.ok(code === 0 || code === 3, r.output().slice(-2000));
  return code;
}

/** The spans of one document: its `submit` root and every span of that trace. */
function documentTrace(uuid: string): { spans: ReceivedSpan[]; byId: Map<string, ReceivedSpan>; root: ReceivedSpan } {
  const root = receiver.spans.find((s) => s.name === 'submit engine-test' && s.attributes['docpipe.document.uuid'] === uuid);
  assert.ok(root, `a submit span for ${uuid}`);
  const spans = receiver.spans.filter((s) => s.traceId === root.traceId);
  return { spans, byId: new Map(spans.map((s) => [s.spanId, s])), root };
}

function stageSpans(spans: ReceivedSpan[], stage: string): ReceivedSpan[] {
  return spans.filter((s) => s.name === `stage ${stage}`).sort((a, b) => (a.startNs < b.startNs ? -1 : 1));
}

function assertAttempt(span: ReceivedSpan, uuid: string, stage: string, attempt: number, outcome: string): void {
  const a = span.attributes;
  assert.equal(a['docpipe.pipeline'], 'engine-test');
  assert.equal(a['docpipe.stage'], stage);
  assert.equal(a['docpipe.document.uuid'], uuid);
  assert.equal(a['docpipe.attempt'], attempt, `${stage} attempt`);
  assert.equal(a['docpipe.outcome'], outcome, `${stage} attempt ${attempt} outcome`);
  assert.equal(span.kind, 5, 'a stage attempt is a consumer span');
  assert.equal(typeof a['docpipe.queue_wait_ms'], 'number');
  assert.equal(typeof a['docpipe.handler_ms'], 'number');
  assert.equal(span.resource['service.name'], 'docpipe-test');
  assert.equal(span.resource['docpipe.pipeline'], 'engine-test');
  assert.ok(span.endNs >= span.startNs);
}

describe('OpenTelemetry traces', { timeout: 120_000 }, () => {
  test('a document that retried once: one trace, retry under the failed attempt, stages chained', async () => {
    const prefix = uniquePrefix('otel-retry');
    prefixes.push(prefix);
    const docs = await submit(prefix, 3);
    assert.equal(await runUntilIdle(prefix, { FAIL_EVERY: '2' }), 0);
    const redis = new Redis(TEST_REDIS_URL);
    try {
      assert.equal((await completedDocs(redis, prefix)).length, 3);
    } finally {
      redis.disconnect();
    }
    assert.ok(
      receiver.requests.every((r) => r.status === 200 && r.contentType === 'application/json'),
      JSON.stringify(receiver.requests),
    );

    const uuid = docs.get(2)!;
    const { spans, byId, root } = documentTrace(uuid);
    assert.equal(root.parentSpanId, '', 'submit is the root');
    assert.equal(root.kind, 4, 'submit is a producer span');
    assert.equal(root.resource['service.name'], 'docpipe-submit');
    assert.equal(root.attributes['docpipe.file_name'], 'doc-2.pdf');

    const [extract, ...moreExtract] = stageSpans(spans, 'extract');
    assert.ok(extract && moreExtract.length === 0, 'one extract attempt');
    assertAttempt(extract, uuid, 'extract', 1, 'processed');
    assert.equal(extract.parentSpanId, root.spanId, 'the first stage hangs under submit (another process)');

    const enrich = stageSpans(spans, 'enrich');
    assert.equal(enrich.length, 2, 'enrich: the failed attempt and its retry');
    assertAttempt(enrich[0]!, uuid, 'enrich', 1, 'retried');
    assert.equal(enrich[0]!.attributes['docpipe.error.code'], 'DP_ERR_HANDLER_FAILED');
    assert.equal(enrich[0]!.status.code, 2, 'the failed attempt has error status');
    assert.match(String(enrich[0]!.attributes['docpipe.error.message']), /transient failure of 2/);
    assert.equal(enrich[0]!.parentSpanId, extract.spanId);
    assertAttempt(enrich[1]!, uuid, 'enrich', 2, 'processed');
    assert.equal(enrich[1]!.parentSpanId, enrich[0]!.spanId, 'the retry hangs under the attempt that failed');
    assert.notEqual(enrich[1]!.status.code, 2);

    const [publish] = stageSpans(spans, 'publish');
    assert.ok(publish);
    assertAttempt(publish, uuid, 'publish', 1, 'processed');
    assert.equal(publish.parentSpanId, enrich[1]!.spanId);
    assert.deepEqual(
      spans.map((s) => s.name).sort(),
      ['stage enrich', 'stage enrich', 'stage extract', 'stage publish', 'submit engine-test'],
      'one span per attempt, under the submit span',
    );
    for (const s of spans) if (s !== root) assert.ok(byId.has(s.parentSpanId), `${s.name}: its parent is in the trace`);

    // another document: its own trace, no retry
    const other = documentTrace(docs.get(1)!);
    assert.notEqual(other.root.traceId, root.traceId);
    assert.deepEqual(
      other.spans.filter((s) => s.name.startsWith('stage ')).map((s) => s.attributes['docpipe.outcome']),
      ['processed', 'processed', 'processed'],
    );
  });

  test('a document dead-lettered and redriven: the redriven attempt continues under the dead-lettered one', async () => {
    const prefix = uniquePrefix('otel-redrive');
    prefixes.push(prefix);
    const docs = await submit(prefix, 2);
    assert.equal(await runUntilIdle(prefix, { POISON: '2' }), 3, 'the first run ends with a dead letter');
    const redis = new Redis(TEST_REDIS_URL);
    try {
      const dead = await dlq(redis, prefix, 'enrich');
      assert.equal(dead.length, 1);
      const ops = openOps(PIPELINE, { ...process.env, DOCPIPE_PREFIX: prefix, REDIS_URL: TEST_REDIS_URL });
      try {
        assert.equal((await redrive(ops, { all: true })).done.length, 1);
      } finally {
        await closeOps(ops);
      }
      assert.equal(await runUntilIdle(prefix, {}), 0, 'the second run (poison gone) completes it');
      assert.equal((await completedDocs(redis, prefix)).length, 2);
    } finally {
      redis.disconnect();
    }

    const uuid = docs.get(2)!;
    const { spans, root } = documentTrace(uuid);
    const [extract] = stageSpans(spans, 'extract');
    assert.ok(extract);
    assert.equal(extract.parentSpanId, root.spanId);
    const enrich = stageSpans(spans, 'enrich');
    assert.equal(enrich.length, 2, 'enrich: the dead-lettered attempt and the redriven one');
    assertAttempt(enrich[0]!, uuid, 'enrich', 1, 'dead_lettered');
    assert.equal(enrich[0]!.attributes['docpipe.error.code'], 'DP_ERR_HANDLER_PERMANENT');
    assert.equal(enrich[0]!.status.code, 2);
    assert.equal(enrich[0]!.parentSpanId, extract.spanId);
    assertAttempt(enrich[1]!, uuid, 'enrich', 1, 'processed');
    assert.equal(enrich[1]!.parentSpanId, enrich[0]!.spanId, 'the redriven attempt hangs under the dead-lettered one');
    const [publish] = stageSpans(spans, 'publish');
    assert.ok(publish);
    assertAttempt(publish, uuid, 'publish', 1, 'processed');
    assert.equal(publish.parentSpanId, enrich[1]!.spanId);
  });
});
