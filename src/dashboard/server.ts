/**
 * The dashboard's HTTP server (node:http, no framework): the page at `/`, the JSON API under
 * `/api/` (see api.ts), `/healthz`. Binds 127.0.0.1 unless told otherwise. Started by
 * `docpipe dashboard` and, in-process, by `docpipe-run --dashboard <port>`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { PipelineConfig } from '../config/types.ts';
import type { OpsContext } from '../ops/connect.ts';
import { createDocumentMachine } from '../state/machine.ts';
import { Keys } from '../streams/keys.ts';
import type { RedisClient } from '../streams/redis.ts';
import { defineScripts } from '../streams/scripts.ts';
import { handleApi, type ApiSettings } from './api.ts';
import { hostAllowed } from './auth.ts';
import { loadPage } from './page.ts';

export interface DashboardOptions {
  config: PipelineConfig;
  /** A connection with the docpipe scripts (the runner's, or an operator connection). */
  redis: RedisClient;
  port: number;
  host?: string;
  /** Shows redrive/purge buttons and accepts those actions (with the token). */
  allowActions?: boolean;
  /** Bearer token the actions need; required with allowActions. */
  token?: string;
  /** Document text may be shown (the dashboard shows none today: the state mirror holds no text). */
  showText?: boolean;
  log?: Logger;
  /** Links a document's trace id: a URL with `{trace_id}` in it (a Jaeger or Tempo trace view). */
  traceUrl?: string;
  /** Tells when Redis is unreachable, for a clear 503. */
  redisError?: () => string | undefined;
}

export interface Dashboard {
  url: string;
  port: number;
  close(): Promise<void>;
}

const MAX_BODY = 64 * 1024;

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const { config, redis, log } = options;
  const host = options.host ?? '127.0.0.1';
  const allowActions = options.allowActions ?? false;
  if (allowActions && !options.token) throw new Error('dashboard: actions need a token (DOCPIPE_DASHBOARD_TOKEN)');
  const traceUrl = checkTraceUrl(options.traceUrl);
  defineScripts(redis);
  const ctx: OpsContext = {
    config,
    keys: new Keys(config.prefix),
    machine: createDocumentMachine(config.stages.map((s) => s.name)),
    redis,
    redisError: options.redisError ?? (() => undefined),
  };
  const settings: ApiSettings = { allowActions, token: options.token, showText: options.showText ?? false, traceUrl };
  const page = loadPage();

  const server = createServer((req, res) => {
    serve(req, res).catch((err: unknown) => {
      const down = ctx.redisError();
      log?.warn({ err: (err as Error).message, path: req.url }, 'dashboard: request failed');
      if (!res.headersSent) json(res, down ? 503 : 500, { error: down ? `cannot reach Redis: ${down}` : (err as Error).message });
      else res.end();
    });
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!hostAllowed(host, req.headers.host)) {
      json(res, 421, { error: 'the dashboard answers only to a loopback host name' });
      return;
    }
    const url = new URL(req.url ?? '/', 'http://dashboard.invalid');
    const method = req.method ?? 'GET';
    if (url.pathname === '/' || url.pathname === '/index.html') {
      if (method !== 'GET' && method !== 'HEAD') {
        json(res, 405, { error: 'GET only' });
        return;
      }
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': page.csp,
        'x-frame-options': 'DENY',
      });
      res.end(method === 'HEAD' ? undefined : page.html);
      return;
    }
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204, SECURITY_HEADERS).end();
      return;
    }
    if (url.pathname === '/healthz') {
      res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/plain' }).end('ok\n');
      return;
    }
    if (!url.pathname.startsWith('/api/')) {
      json(res, 404, { error: 'not found' });
      return;
    }
    const body = method === 'POST' ? await readBody(req) : '';
    if (body === undefined) {
      json(res, 413, { error: `body larger than ${MAX_BODY} bytes` });
      return;
    }
    const reply = await handleApi(ctx, settings, {
      method,
      path: url.pathname,
      query: url.searchParams,
      authorization: req.headers.authorization,
      body,
    });
    if (method === 'POST' && reply.status === 200) log?.info({ action: url.pathname, body }, 'dashboard: action');
    json(res, reply.status, reply.body);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const shown = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  const url = `http://${shown}:${port}/`;
  log?.info({ address: url, allow_actions: allowActions }, 'dashboard: serving');
  return {
    url,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const headers: Record<string, string> = { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8' };
  if (status === 401) headers['www-authenticate'] = 'Bearer realm="docpipe"';
  res.writeHead(status, headers).end(JSON.stringify(body));
}

/** The request body, or undefined when it is larger than MAX_BODY. */
async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A trace URL template: http(s), with `{trace_id}` in it (undefined when none is configured). */
export function checkTraceUrl(template: string | undefined): string | undefined {
  if (!template) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(template.replaceAll('{trace_id}', '0'));
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !template.includes('{trace_id}')) {
    throw new Error(`dashboard: the trace URL must be an http(s) URL with {trace_id} in it, got "${template}"`);
  }
  return template;
}
