/**
 * An in-process OTLP/HTTP trace receiver, as a collector (Jaeger, Tempo) serves it on :4318:
 * `POST /v1/traces` with an `ExportTraceServiceRequest` in the OTLP JSON encoding (what
 * `@opentelemetry/exporter-trace-otlp-http` sends: hex trace and span ids, 64-bit integers as
 * strings or numbers, enums as numbers), optionally gzip-compressed. Anything else (protobuf,
 * another path) is refused the way a collector refuses it. Spans are decoded into plain records.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export type AttributeValue = string | number | boolean | null | AttributeValue[] | { [key: string]: AttributeValue };

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** Empty for a root span. */
  parentSpanId: string;
  name: string;
  /** OTLP SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  startNs: bigint;
  endNs: bigint;
  attributes: Record<string, AttributeValue>;
  /** OTLP status code: 0 unset, 1 ok, 2 error. */
  status: { code: number; message: string };
  links: Array<{ traceId: string; spanId: string; attributes: Record<string, AttributeValue> }>;
  resource: Record<string, AttributeValue>;
  scope: string;
}

export interface OtlpReceiver {
  /** The base URL to give as OTEL_EXPORTER_OTLP_ENDPOINT. */
  endpoint: string;
  spans: ReceivedSpan[];
  /** Spans received (all of them, also when `keep` is false). */
  received: number;
  /** Requests received (including refused ones), with their content type. */
  requests: Array<{ path: string; contentType: string; status: number }>;
  close(): Promise<void>;
}

interface JsonKeyValue {
  key: string;
  value?: JsonAnyValue;
}
interface JsonAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number | string;
  arrayValue?: { values?: JsonAnyValue[] };
  kvlistValue?: { values?: JsonKeyValue[] };
  bytesValue?: string;
}

function anyValue(v: JsonAnyValue | undefined): AttributeValue {
  if (!v) return null;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return Number(v.doubleValue);
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(anyValue);
  if (v.kvlistValue) return attributes(v.kvlistValue.values);
  if (v.bytesValue !== undefined) return Buffer.from(v.bytesValue, 'base64').toString('hex');
  return null;
}

function attributes(list: JsonKeyValue[] | undefined): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const kv of list ?? []) out[kv.key] = anyValue(kv.value);
  return out;
}

function hexId(value: unknown, bytes: number, what: string, optional = false): string {
  if ((value === undefined || value === '') && optional) return '';
  if (typeof value !== 'string' || !new RegExp(`^[0-9a-f]{${bytes * 2}}$`).test(value))
    throw new Error(`${what} is not ${bytes} hex-encoded bytes: ${JSON.stringify(value)}`);
  return value;
}

const KINDS: Record<string, number> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};

/** Decodes one OTLP JSON ExportTraceServiceRequest (throws on a malformed one). */
export function decodeTraces(body: unknown): ReceivedSpan[] {
  const out: ReceivedSpan[] = [];
  const request = body as {
    resourceSpans?: Array<{
      resource?: { attributes?: JsonKeyValue[] };
      scopeSpans?: Array<{ scope?: { name?: string }; spans?: Array<Record<string, unknown>> }>;
    }>;
  };
  if (!request || !Array.isArray(request.resourceSpans)) throw new Error('not an ExportTraceServiceRequest: no resourceSpans');
  for (const rs of request.resourceSpans) {
    const resource = attributes(rs.resource?.attributes);
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        const status = (s['status'] ?? {}) as { code?: number | string; message?: string };
        out.push({
          traceId: hexId(s['traceId'], 16, 'traceId'),
          spanId: hexId(s['spanId'], 8, 'spanId'),
          parentSpanId: hexId(s['parentSpanId'], 8, 'parentSpanId', true),
          name: String(s['name']),
          kind: typeof s['kind'] === 'string' ? (KINDS[s['kind']] ?? 0) : Number(s['kind'] ?? 0),
          startNs: BigInt(s['startTimeUnixNano'] as string | number),
          endNs: BigInt(s['endTimeUnixNano'] as string | number),
          attributes: attributes(s['attributes'] as JsonKeyValue[] | undefined),
          status: {
            code:
              typeof status.code === 'string'
                ? ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'].indexOf(status.code)
                : Number(status.code ?? 0),
            message: status.message ?? '',
          },
          links: ((s['links'] ?? []) as Array<{ traceId?: string; spanId?: string; attributes?: JsonKeyValue[] }>).map((l) => ({
            traceId: hexId(l.traceId, 16, 'link traceId'),
            spanId: hexId(l.spanId, 8, 'link spanId'),
            attributes: attributes(l.attributes),
          })),
          resource,
          scope: ss.scope?.name ?? '',
        });
      }
    }
  }
  return out;
}

/** `keep: false` (benchmarks): spans are decoded and counted, not kept. */
export async function startOtlpReceiver(options: { keep?: boolean } = {}): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  let received = 0;
  const requests: OtlpReceiver['requests'] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const contentType = String(req.headers['content-type'] ?? '')
        .split(';')[0]!
        .trim();
      const reply = (status: number, body: unknown) => {
        requests.push({ path: req.url ?? '', contentType, status });
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.method !== 'POST' || req.url !== '/v1/traces')
        return reply(404, { code: 5, message: `no such endpoint: ${req.method} ${req.url}` });
      if (contentType !== 'application/json') return reply(415, { code: 3, message: `unsupported content type ${contentType}` });
      try {
        let raw = Buffer.concat(chunks);
        if (req.headers['content-encoding'] === 'gzip') raw = gunzipSync(raw);
        const decoded = decodeTraces(JSON.parse(raw.toString('utf8')));
        received += decoded.length;
        if (options.keep !== false) spans.push(...decoded);
      } catch (err) {
        return reply(400, { code: 3, message: (err as Error).message });
      }
      reply(200, { partialSuccess: {} });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    spans,
    get received() {
      return received;
    },
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
