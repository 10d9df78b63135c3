/**
 * The dashboard's JSON API, over the same queries as `docpipe status`, `docpipe doc` and
 * `docpipe dlq`. Transport-free: a request in (method, path, query, headers, body), a reply out.
 *
 *   GET  /api/overview             status of every stage (+ per-minute throughput series), documents by state
 *   GET  /api/documents?state=&stage=&q=  documents (newest first), by state, stage, uuid prefix or file name part
 *   GET  /api/documents/<uuid>     a document's state and timeline
 *   GET  /api/dlq[?stage=]         dead letters per stage, with reasons
 *   POST /api/dlq/redrive|purge    {"stage"?: s, "ids": [id…]}: needs --allow-actions and the bearer token
 */
import { DocpipeError } from '../errors.ts';
import type { OpsContext } from '../ops/connect.ts';
import { readDocument } from '../ops/doc.ts';
import { listDeadLetters, purge, redrive } from '../ops/dlq.ts';
import { collectStatus } from '../ops/status.ts';
import { checkAction } from './auth.ts';
import { listDocuments } from '../ops/documents.ts';
import { throughputSeries } from './series.ts';
import { UUID_PATTERN } from '../util/uuid.ts';

export interface ApiSettings {
  allowActions: boolean;
  token: string | undefined;
  showText: boolean;
  /** A URL template with `{trace_id}` linking a document's trace (Jaeger, Tempo), if configured. */
  traceUrl?: string | undefined;
}

export interface ApiRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization: string | undefined;
  /** The request body (POST only), unparsed. */
  body: string;
}

export interface ApiReply {
  status: number;
  body: unknown;
}

const MAX_IDS = 1000;

const error = (status: number, message: string): ApiReply => ({ status, body: { error: message } });

export async function handleApi(ctx: OpsContext, settings: ApiSettings, req: ApiRequest): Promise<ApiReply> {
  const { method, path, query } = req;
  if (method === 'POST') {
    const action = /^\/api\/dlq\/(redrive|purge)$/.exec(path)?.[1];
    if (!action) return error(404, `no such action: ${path}`);
    const check = checkAction(settings.allowActions, settings.token, req.authorization);
    if (!check.ok) return error(check.status, check.message);
    return dlqAction(ctx, action === 'redrive' ? 'redrive' : 'purge', req.body);
  }
  if (method !== 'GET') return error(405, 'GET or POST only');
  if (path === '/api/overview') {
    const now = Date.now();
    const [status, series] = [await collectStatus(ctx, now), await throughputSeries(ctx, now)];
    return {
      status: 200,
      body: {
        ...status,
        stages: status.stages.map((s) => ({ ...s, series: series[s.stage] ?? [] })),
        states: ctx.machine.states,
        allow_actions: settings.allowActions,
        show_text: settings.showText,
        trace_url: settings.traceUrl ?? null,
      },
    };
  }
  if (path === '/api/documents') {
    const limit = Number(query.get('limit') ?? 50);
    const filter = { state: query.get('state') || undefined, stage: query.get('stage') || undefined, q: query.get('q') || undefined };
    return { status: 200, body: await listDocuments(ctx, { ...filter, limit: Number.isFinite(limit) ? limit : 50 }) };
  }
  const uuid = /^\/api\/documents\/([^/]+)$/.exec(path)?.[1];
  if (uuid !== undefined) {
    if (!UUID_PATTERN.test(uuid)) return error(400, 'not a document uuid');
    const doc = await readDocument(ctx, uuid);
    return { status: doc.found || doc.history.length ? 200 : 404, body: doc };
  }
  if (path === '/api/dlq') {
    return { status: 200, body: await listDeadLetters(ctx, { stage: query.get('stage') || undefined, limit: 200 }) };
  }
  return error(404, `not found: ${path}`);
}

async function dlqAction(ctx: OpsContext, action: 'redrive' | 'purge', raw: string): Promise<ApiReply> {
  let body: unknown;
  try {
    body = JSON.parse(raw || '{}');
  } catch {
    return error(400, 'the body is not JSON');
  }
  const { stage, ids } = (body ?? {}) as { stage?: unknown; ids?: unknown };
  if (stage !== undefined && typeof stage !== 'string') return error(400, '"stage" must be a string');
  if (
    !Array.isArray(ids) ||
    ids.length === 0 ||
    ids.length > MAX_IDS ||
    !ids.every((id) => typeof id === 'string' && /^\d+-\d+$/.test(id))
  ) {
    return error(400, `"ids" must list 1 to ${MAX_IDS} dead-letter entry ids`);
  }
  try {
    const sel = { stage, ids: ids as string[] };
    return { status: 200, body: action === 'redrive' ? await redrive(ctx, sel) : await purge(ctx, sel) };
  } catch (err) {
    if (err instanceof DocpipeError && err.kind === 'config') return error(400, err.message);
    throw err;
  }
}
