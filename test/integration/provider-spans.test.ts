/**
 * Provider spans inside a traced attempt (issue #22): with no context manager registered, the
 * attempt's span reaches provider calls explicitly (`ctx.llm`, `ctx.span` handed to the extractor),
 * so an `ocr page` span (Textract, the local fake) and an `llm chat` span (the OpenAI fake) hang
 * under their `stage read` attempt, as does its store transaction. The runner runs in this process
 * with tracing on, on a test database schema (the LLM cache and the attempt's transaction).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { loadPipeline } from '../../src/config/load.ts';
import { createDocumentMachine } from '../../src/state/machine.ts';
import { Broker } from '../../src/streams/broker.ts';
import { connectRedis } from '../../src/streams/redis.ts';
import { startTracing } from '../../src/telemetry/tracing.ts';
import { firstStageFields } from '../../src/worker/intake.ts';
import { Runner } from '../../src/worker/runner.ts';
import { startFakeOpenAi, type FakeOpenAiServer } from '../fakes/openai-server.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../fakes/otlp-receiver.ts';
import { startFakeTextract, type FakeTextract } from '../fakes/textract-server.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { completedDocs } from '../helpers/engine.ts';
import { silentLog, waitFor, withEnv } from '../helpers/in-process.ts';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../helpers/redis.ts';
import { REPO } from '../helpers/runner-process.ts';

const PIPELINE = path.join(REPO, 'test/fixtures/provider-spans/pipeline.yaml');
const prefix = uniquePrefix('otel-providers');
let receiver: OtlpReceiver;
let openai: FakeOpenAiServer;
let textract: FakeTextract;
let db: TestDb;

before(async () => {
  receiver = await startOtlpReceiver();
  openai = await startFakeOpenAi(() => ({ kind: 'lease' }));
  textract = await startFakeTextract();
  db = await createTestDb('provspans');
});
after(async () => {
  await receiver.close();
  await openai.close();
  await textract.close();
  await db.drop();
  await dropPrefix(TEST_REDIS_URL, prefix);
});

test('ocr page, llm chat and store transaction spans hang under their attempt', { timeout: 120_000 }, async () => {
  const env = {
    DOCPIPE_PREFIX: prefix,
    REDIS_URL: TEST_REDIS_URL,
    OPENAI_API_KEY: 'test',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    TEXTRACT_ENDPOINT: textract.endpoint,
    OPENAI_BASE_URL: openai.baseURL,
  };
  const otel = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_SERVICE_NAME: 'docpipe-providers' };
  await withEnv({ ...env, ...otel }, async () => {
    const config = loadPipeline(PIPELINE);
    const tracing = startTracing({ pipeline: config.name });
    assert.ok(tracing);
    const redis = connectRedis(config.redis, silentLog, 'test:providers');
    const runner = await Runner.create(config, { log: silentLog, store: db });
    const uuid = randomUUID();
    try {
      runner.start();
      const broker = new Broker(redis, config, createDocumentMachine(config.stages.map((s) => s.name)));
      assert.equal(
        (await broker.submit(uuid, firstStageFields({ document_uuid: uuid, file_path: '/data/page.png' }, config.pipelineVersion)))
          .published,
        true,
      );
      const probe = new Redis(TEST_REDIS_URL);
      try {
        await waitFor('the document to complete', async () => (await completedDocs(probe, prefix)).includes(uuid));
      } finally {
        probe.disconnect();
      }
    } finally {
      await runner.stop(2000);
      await runner.close();
      redis.disconnect();
      await tracing.shutdown();
    }
    assert.equal(openai.calls, 1, 'the LLM was asked');
    assert.ok(
      textract.requests.some((r) => r.target.endsWith('DetectDocumentText')),
      'Textract was asked',
    );
    const root = receiver.spans.find((s) => s.name === 'submit provider-spans' && s.attributes['docpipe.document.uuid'] === uuid);
    assert.ok(root, 'a submit span');
    const spans = receiver.spans.filter((s) => s.traceId === root.traceId);
    const attempt = spans.find((s) => s.name === 'stage read');
    assert.ok(attempt, 'the attempt span');
    assert.equal(attempt.parentSpanId, root.spanId);
    assert.equal(attempt.attributes['docpipe.outcome'], 'processed');
    const ocr = spans.filter((s) => s.name === 'ocr page');
    assert.equal(ocr.length, 1);
    assert.equal(ocr[0]!.parentSpanId, attempt.spanId, 'the OCR page hangs under the attempt');
    assert.equal(ocr[0]!.attributes['docpipe.ocr.provider'], 'textract');
    assert.equal(ocr[0]!.attributes['docpipe.page'], 1);
    const tx = spans.filter((s) => s.name === 'store transaction');
    assert.equal(tx.length, 1);
    assert.equal(tx[0]!.parentSpanId, attempt.spanId, 'the transaction hangs under the attempt');
    const llm = spans.filter((s) => s.name === 'llm chat');
    assert.equal(llm.length, 1);
    assert.equal(llm[0]!.parentSpanId, attempt.spanId, 'the LLM request hangs under the attempt');
    assert.equal(llm[0]!.attributes['gen_ai.request.model'], 'gpt-test');
    assert.equal(typeof llm[0]!.attributes['gen_ai.usage.input_tokens'], 'number');
  });
});
