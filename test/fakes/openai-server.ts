/**
 * A fake OpenAI-compatible chat-completions server (node:http on 127.0.0.1, port 0) speaking the
 * real wire protocol: `POST /v1/chat/completions` with a JSON body, answering a `chat.completion`
 * object. It answers from a script (a function of the request), counts calls, records requests, and
 * can fail N times (429 or 5xx) before succeeding.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ChatRequestBody {
  model: string;
  messages: Array<{ role: string; content: string }>;
  response_format?: { type: string; json_schema?: { name: string; strict?: boolean; schema: Record<string, unknown> } };
  [key: string]: unknown;
}

/** What the script returns: an object (sent as JSON content), a raw string, or a refusal. */
export type FakeAnswer = unknown | { raw: string } | { refusal: string };
export type FakeResponder = (body: ChatRequestBody, callIndex: number) => FakeAnswer | Promise<FakeAnswer>;

/** 429 (with retry-after-ms), 500, or a 200 whose content is not JSON. */
export type FaultKind = '429' | '500' | 'malformed';

export interface FakeFaults {
  rate: number;
  kinds: readonly FaultKind[];
  /** A number in [0, 1) per call (a seeded PRNG makes a run repeatable). */
  random: () => number;
  retryAfterMs?: number;
}

export interface FakeOpenAiServer {
  /** Base URL to give the client (`…/v1`). */
  readonly baseURL: string;
  /** Successful completions answered. */
  readonly calls: number;
  /** Every request that reached the server, failures included. */
  readonly requests: ChatRequestBody[];
  /** When each request arrived (ms since epoch), in the order of `requests`. */
  readonly arrivals: number[];
  /** When each failure (429/5xx, scripted or injected) was answered. */
  readonly failuresAnswered: Array<{ status: number; at: number }>;
  /** Extra headers on every successful answer (e.g. `x-ratelimit-remaining-requests`). */
  setHeaders(headers: Record<string, string>): void;
  /** Highest number of requests in flight at once. */
  readonly maxInFlight: number;
  /** Replace the answer script. */
  respond(responder: FakeResponder): void;
  /** The next `count` requests fail with `status` (retry-after-ms: `retryAfterMs`, default 5). */
  failNext(count: number, status?: number, retryAfterMs?: number): void;
  /** Delay every answer by `ms` (to observe concurrency). */
  setDelay(ms: number): void;
  /** Seeded random faults: each request fails with probability `rate`, as one of `kinds`. */
  setFaults(faults: FakeFaults | undefined): void;
  /** A fixed-window rate limit (`perWindow` requests each `windowMs`): beyond it, 429 with retry-after-ms and x-ratelimit-reset-requests. */
  setRateLimit(limit: { perWindow: number; windowMs: number } | undefined): void;
  /** Faults injected so far, by kind. */
  readonly faultCounts: Record<FaultKind, number>;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

export async function startFakeOpenAi(responder: FakeResponder = () => ({})): Promise<FakeOpenAiServer> {
  let script = responder;
  let calls = 0;
  let failures: { count: number; status: number; retryAfterMs: number } = { count: 0, status: 500, retryAfterMs: 5 };
  let delayMs = 0;
  let faults: FakeFaults | undefined;
  const faultCounts: Record<FaultKind, number> = { '429': 0, '500': 0, malformed: 0 };
  let inFlight = 0;
  let maxInFlight = 0;
  const requests: ChatRequestBody[] = [];
  const arrivals: number[] = [];
  const failuresAnswered: Array<{ status: number; at: number }> = [];
  let extraHeaders: Record<string, string> = {};
  let rateLimit: { perWindow: number; windowMs: number; windowStart: number; used: number } | undefined;

  const server = createServer((req, res) => {
    void (async () => {
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        send(res, 404, { error: { message: `no route ${req.method} ${req.url}`, type: 'invalid_request_error' } });
        return;
      }
      let body: ChatRequestBody;
      try {
        body = JSON.parse(await readBody(req)) as ChatRequestBody;
      } catch {
        send(res, 400, { error: { message: 'invalid JSON body', type: 'invalid_request_error' } });
        return;
      }
      requests.push(body);
      arrivals.push(Date.now());
      if (failures.count > 0) {
        failures.count--;
        const type = failures.status === 429 ? 'rate_limit_exceeded' : 'server_error';
        failuresAnswered.push({ status: failures.status, at: Date.now() });
        send(
          res,
          failures.status,
          { error: { message: `fake ${failures.status}`, type } },
          { 'retry-after-ms': String(failures.retryAfterMs) },
        );
        return;
      }
      if (rateLimit) {
        const now = Date.now();
        if (now - rateLimit.windowStart >= rateLimit.windowMs) Object.assign(rateLimit, { windowStart: now, used: 0 });
        if (rateLimit.used++ >= rateLimit.perWindow) {
          const wait = String(rateLimit.windowStart + rateLimit.windowMs - now);
          failuresAnswered.push({ status: 429, at: now });
          faultCounts['429']++;
          send(
            res,
            429,
            { error: { message: 'fake rate limit', type: 'rate_limit_exceeded' } },
            { 'retry-after-ms': wait, 'x-ratelimit-reset-requests': `${wait}ms` },
          );
          return;
        }
      }
      const fault = faults && faults.random() < faults.rate ? faults.kinds[Math.floor(faults.random() * faults.kinds.length)] : undefined;
      if (fault) faultCounts[fault]++;
      if (fault === '429' || fault === '500') {
        const wait = String(faults?.retryAfterMs ?? 5);
        failuresAnswered.push({ status: Number(fault), at: Date.now() });
        send(
          res,
          Number(fault),
          { error: { message: `fake ${fault}`, type: fault === '429' ? 'rate_limit_exceeded' : 'server_error' } },
          { 'retry-after-ms': wait },
        );
        return;
      }
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
        const index = calls++;
        const answer = fault === 'malformed' ? { raw: '{"entities": [{"chunk": 0, "text": ' } : await script(body, index);
        const refusal =
          answer && typeof answer === 'object' && 'refusal' in answer ? String((answer as { refusal: string }).refusal) : null;
        const content =
          refusal !== null
            ? null
            : answer && typeof answer === 'object' && 'raw' in answer
              ? String((answer as { raw: string }).raw)
              : JSON.stringify(answer);
        send(
          res,
          200,
          {
            id: `chatcmpl-fake-${index}`,
            object: 'chat.completion',
            created: Math.floor(Date.now() / 1000),
            model: body.model,
            choices: [{ index: 0, message: { role: 'assistant', content, refusal }, logprobs: null, finish_reason: 'stop' }],
            usage: usageOf(body, content),
          },
          extraHeaders,
        );
      } finally {
        inFlight--;
      }
    })().catch((err: unknown) => send(res, 500, { error: { message: String(err), type: 'server_error' } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    get calls() {
      return calls;
    },
    requests,
    arrivals,
    failuresAnswered,
    setHeaders(headers) {
      extraHeaders = headers;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    respond(next) {
      script = next;
    },
    failNext(count, status = 500, retryAfterMs = 5) {
      failures = { count, status, retryAfterMs };
    },
    setDelay(ms) {
      delayMs = ms;
    },
    setRateLimit(limit) {
      rateLimit = limit && { ...limit, windowStart: Date.now(), used: 0 };
    },
    setFaults(next) {
      faults = next;
    },
    faultCounts,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/** Token counts as a tokenizer would roughly give them (about 4 characters a token). */
function usageOf(
  body: ChatRequestBody,
  content: string | null,
): { prompt_tokens: number; completion_tokens: number; total_tokens: number } {
  const prompt = Math.ceil(body.messages.reduce((n, m) => n + m.content.length, 0) / 4);
  const completion = Math.ceil((content ?? '').length / 4);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

/** The document text the client sent (between the <document> tags of the user message). */
export function documentOf(body: ChatRequestBody): string {
  const user = body.messages.find((m) => m.role === 'user')?.content ?? '';
  const m = /<document>\n([\s\S]*)\n<\/document>/.exec(user);
  return m?.[1] ?? user;
}
