import { fieldsFromArray } from '../messages/codec.ts';
import type { RedisClient } from '../streams/redis.ts';
import type { OpsContext } from './connect.ts';

export interface HistoryEvent {
  id: string;
  event: string;
  from: string;
  to: string;
  at: number;
  msg_id: string;
  consumer: string;
  attempt: number;
  error: string;
  duration_ms: number;
}

export interface DocumentReport {
  document_uuid: string;
  /** The file the document was submitted from (null when it was produced without submission). */
  file_name: string | null;
  /** Its trace id (the W3C traceparent's, set at submission): one trace per document. */
  trace_id: string | null;
  /** False when Redis has no state for the document (never seen, or expired after completion). */
  found: boolean;
  state: string | null;
  stage: string | null;
  attempt: number | null;
  error: string | null;
  updated_at: number | null;
  pipeline_version: string | null;
  /** The stream entry the document's current step refers to. */
  msg_id: string | null;
  consumer: string | null;
  retry_at: number | null;
  history: HistoryEvent[];
}

const nonEmpty = (v: string | undefined): string | null => (v === undefined || v === '' ? null : v);
const num = (v: string | undefined): number | null => (v === undefined || v === '' || !Number.isFinite(Number(v)) ? null : Number(v));

function eventFrom(id: string, f: Record<string, string | undefined>): HistoryEvent {
  return {
    id,
    event: f['event'] ?? '',
    from: f['from'] ?? '',
    to: f['to'] ?? '',
    at: Number(f['at'] ?? 0),
    msg_id: f['msg_id'] ?? '',
    consumer: f['consumer'] ?? '',
    attempt: Number(f['attempt'] ?? 0),
    error: f['error'] ?? '',
    duration_ms: Number(f['duration_ms'] ?? 0),
  };
}

/** The order of a packed history line's values after its id (fold in src/streams/lua/_common.lua). */
const PACKED_FIELDS = ['event', 'from', 'to', 'at', 'msg_id', 'consumer', 'attempt', 'error', 'duration_ms'] as const;
const UNESCAPE: Record<string, string> = { '\\\\': '\\', '\\t': '\t', '\\n': '\n' };

/** The history a finished document's hash keeps packed: one line per event, tab-separated, escaped. */
export function unpackHistory(packed: string): HistoryEvent[] {
  if (packed === '') return [];
  return packed.split('\n').map((line) => {
    const tab = line.indexOf('\t');
    return unpackEvent(tab < 0 ? line : line.slice(0, tab), tab < 0 ? '' : line.slice(tab + 1));
  });
}

/** One event packed as a line (a history stream entry's `e` field; a packed line after its id). */
function unpackEvent(id: string, packed: string): HistoryEvent {
  const values = packed.split('\t').map((v) => v.replace(/\\[\\tn]/g, (e) => UNESCAPE[e]!));
  return eventFrom(id, Object.fromEntries(PACKED_FIELDS.map((name, i) => [name, values[i]])));
}

/** A history stream entry: the event packed in its `e` field, or (older entries) as fields of their own. */
function streamEvent(id: string, list: readonly string[]): HistoryEvent {
  return list.length === 2 && list[0] === 'e' ? unpackEvent(id, list[1] ?? '') : eventFrom(id, fieldsFromArray(list));
}

/**
 * The state mirror hash and the whole history of one document: the part packed into the hash when it
 * completed (state.history_after_finish), then its history stream. One transaction: a completion
 * folding the stream in between cannot show events twice or not at all.
 */
export async function readStateAndHistory(
  redis: RedisClient,
  hashKey: string,
  eventsKey: string,
): Promise<{ hash: Record<string, string>; history: HistoryEvent[] }> {
  const replies = (await redis.multi().hgetall(hashKey).xrange(eventsKey, '-', '+').exec()) ?? [];
  for (const [err] of replies) if (err) throw err;
  const hash = (replies[0]?.[1] ?? {}) as Record<string, string>;
  const events = (replies[1]?.[1] ?? []) as Array<[string, string[]]>;
  const streamed = events.map(([id, list]) => streamEvent(id, list));
  return { hash, history: [...unpackHistory(hash['history'] ?? ''), ...streamed] };
}

/** Reads one document's state mirror and history (see readStateAndHistory). */
export async function readDocument(ctx: OpsContext, uuid: string): Promise<DocumentReport> {
  const documentUuid = uuid.toLowerCase();
  const { hash, history } = await readStateAndHistory(ctx.redis, ctx.keys.doc(documentUuid), ctx.keys.docEvents(documentUuid));
  const found = Object.keys(hash).length > 0;
  return {
    document_uuid: documentUuid,
    file_name: nonEmpty(hash['file_name']),
    trace_id: nonEmpty(hash['trace_id']),
    found,
    state: nonEmpty(hash['state']),
    stage: nonEmpty(hash['stage']),
    attempt: num(hash['attempt']),
    error: nonEmpty(hash['error']),
    updated_at: num(hash['updated_at']),
    pipeline_version: nonEmpty(hash['pipeline_version']),
    msg_id: nonEmpty(hash['msg_id']),
    consumer: nonEmpty(hash['consumer']),
    retry_at: num(hash['retry_at']),
    history,
  };
}
