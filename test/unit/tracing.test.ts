/** Tracing's pure parts: when the environment turns it on, traceparent parsing, the pass-throughs with tracing off. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nextTraceparent } from '../../src/messages/codec.ts';
import {
  deadLetterFields,
  formatTraceparent,
  handoffTraceparent,
  parseTraceparent,
  retryTraceparent,
  submitTraceparent,
  traceAttempt,
  traceIdOf,
  tracingOn,
} from '../../src/telemetry/spans.ts';
import { otlpTracesUrl, tracesExporterOf } from '../../src/telemetry/tracing.ts';
import { decodeTraces } from '../fakes/otlp-receiver.ts';

const TP = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

test('tracing is off unless OTEL_* asks for it', () => {
  assert.equal(tracesExporterOf({}), undefined);
  assert.equal(tracesExporterOf({ OTEL_SERVICE_NAME: 'x' }), undefined, 'a service name alone exports nothing');
  assert.equal(tracesExporterOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }), 'otlp');
  assert.equal(tracesExporterOf({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/v1/traces' }), 'otlp');
  assert.equal(tracesExporterOf({ OTEL_TRACES_EXPORTER: 'otlp' }), 'otlp');
  assert.equal(tracesExporterOf({ OTEL_TRACES_EXPORTER: 'console' }), 'console');
  assert.equal(tracesExporterOf({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }), undefined);
  assert.equal(tracesExporterOf({ OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }), undefined);
  assert.throws(() => tracesExporterOf({ OTEL_TRACES_EXPORTER: 'zipkin' }), /otlp.*console/);
});

test('the OTLP traces URL follows the SDK rule', () => {
  assert.equal(otlpTracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318/' }), 'http://c:4318/v1/traces');
  assert.equal(
    otlpTracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://t/x' }),
    'http://t/x',
  );
  assert.equal(otlpTracesUrl({}), 'http://localhost:4318/v1/traces');
});

test('traceparents parse and format (W3C level 0); invalid ones are no parent', () => {
  const sc = parseTraceparent(TP);
  assert.deepEqual(sc, { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1, isRemote: true });
  assert.equal(formatTraceparent(sc!), TP);
  assert.equal(traceIdOf(TP), '0af7651916cd43dd8448eb211c80319c');
  for (const bad of [
    undefined,
    '',
    'garbage',
    TP.toUpperCase(),
    `00-${'0'.repeat(32)}-b7ad6b7169203331-01`,
    `00-0af7651916cd43dd8448eb211c80319c-${'0'.repeat(16)}-01`,
  ]) {
    assert.equal(parseTraceparent(bad), undefined, String(bad));
  }
});

test('with tracing off the runtime sends what it sent before', async () => {
  assert.equal(tracingOn(), false);
  assert.equal(retryTraceparent(TP), TP, 'a retry keeps its traceparent');
  assert.equal(traceIdOf(retryTraceparent(undefined))?.length, 32, 'a retry without one gets a new trace');
  const hop = handoffTraceparent(TP);
  assert.equal(traceIdOf(hop), traceIdOf(TP), 'the handoff keeps the trace');
  assert.notEqual(hop, TP, 'with a new span id');
  assert.equal(nextTraceparent(TP).length, hop.length);
  const fields = { document_uuid: 'u', trace: TP };
  assert.equal(deadLetterFields(fields), fields, 'dead letters keep their fields');
  assert.equal(traceIdOf(submitTraceparent({ documentUuid: 'u' }))?.length, 32);
  let ran = false;
  assert.equal(
    await traceAttempt(
      { name: 's' } as never,
      { entry: { id: '1-0', list: [], deliveries: 1 }, uuid: undefined, attempt: 1 },
      async () => ((ran = true), 7),
    ),
    7,
  );
  assert.ok(ran);
});

test('the OTLP receiver decodes the JSON encoding and refuses malformed ids', () => {
  const spans = decodeTraces({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] },
        scopeSpans: [
          {
            scope: { name: 'docpipe' },
            spans: [
              {
                traceId: '0af7651916cd43dd8448eb211c80319c',
                spanId: 'b7ad6b7169203331',
                parentSpanId: '',
                name: 'stage ocr',
                kind: 5,
                startTimeUnixNano: '1700000000000000000',
                endTimeUnixNano: 1700000000500000000,
                attributes: [
                  { key: 'docpipe.attempt', value: { intValue: '2' } },
                  { key: 'ok', value: { boolValue: true } },
                  { key: 'l', value: { arrayValue: { values: [{ doubleValue: 1.5 }] } } },
                ],
                status: { code: 2, message: 'E' },
              },
            ],
          },
        ],
      },
    ],
  });
  assert.equal(spans.length, 1);
  const s = spans[0]!;
  assert.deepEqual(s.attributes, { 'docpipe.attempt': 2, ok: true, l: [1.5] });
  assert.equal(s.resource['service.name'], 'svc');
  assert.equal(s.endNs - s.startNs, 500_000_000n);
  assert.deepEqual(s.status, { code: 2, message: 'E' });
  assert.throws(
    () =>
      decodeTraces({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'CvdlGRbNQ92ESOshHIAxnA==', spanId: 'b7ad6b7169203331' }] }] }] }),
    /traceId is not 16 hex-encoded bytes/,
  );
  assert.throws(() => decodeTraces({}), /no resourceSpans/);
});
