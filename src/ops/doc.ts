import { fieldsFromArray } from '../messages/codec.ts';
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

/** Reads the state mirror hash and the whole history stream of one document. */
export async function readDocument(ctx: OpsContext, uuid: string): Promise<DocumentReport> {
  const documentUuid = uuid.toLowerCase();
  const [hash, events] = await Promise.all([
    ctx.redis.hgetall(ctx.keys.doc(documentUuid)),
    ctx.redis.xrange(ctx.keys.docEvents(documentUuid), '-', '+'),
  ]);
  const found = Object.keys(hash).length > 0;
  const history = events.map(([id, list]): HistoryEvent => {
    const f = fieldsFromArray(list);
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
  });
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
