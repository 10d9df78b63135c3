/**
 * Documents by state for the dashboard: the state mirror hashes (`<prefix>:doc:<uuid>`) found by
 * SCAN, optionally narrowed to one state or a uuid prefix. Only the mirror's fields are read: it
 * holds no document text.
 */
import { globEscape, scanKeys, type OpsContext } from '../ops/connect.ts';

export interface DocumentRow {
  document_uuid: string;
  state: string;
  stage: string | null;
  attempt: number | null;
  updated_at: number | null;
  error: string | null;
}

export interface DocumentList {
  documents: DocumentRow[];
  /** Documents that matched (the list holds at most `limit` of them, most recently updated first). */
  matched: number;
}

export interface DocumentQuery {
  state?: string;
  /** A uuid or the start of one (hex digits and dashes). */
  q?: string;
  limit?: number;
}

const UUID_PART = /^[0-9a-f-]{1,36}$/;

/** True when `q` can be (the start of) a document uuid. */
export function isUuidPrefix(q: string): boolean {
  return UUID_PART.test(q.toLowerCase());
}

const text = (v: string | null | undefined): string | null => (v === null || v === undefined || v === '' ? null : v);
const num = (v: string | null | undefined): number | null => (v === null || v === undefined || v === '' || !Number.isFinite(Number(v)) ? null : Number(v));

/** The newest-first top `limit` rows (pure). */
export function newestFirst(rows: DocumentRow[], limit: number): DocumentRow[] {
  return [...rows].sort((a, b) => (b.updated_at ?? 0) - (a.updated_at ?? 0) || a.document_uuid.localeCompare(b.document_uuid)).slice(0, limit);
}

export async function listDocuments(ctx: OpsContext, query: DocumentQuery = {}): Promise<DocumentList> {
  const prefix = ctx.keys.prefix;
  const q = query.q?.trim().toLowerCase() ?? '';
  if (q && !isUuidPrefix(q)) return { documents: [], matched: 0 };
  const limit = Math.max(1, Math.min(query.limit ?? 50, 500));
  const rows: DocumentRow[] = [];
  for await (const batch of scanKeys(ctx.redis, `${globEscape(prefix)}:doc:${q}*`)) {
    const keys = batch.filter((k) => !k.endsWith(':events') && !k.slice(prefix.length + 5).includes(':'));
    if (keys.length === 0) continue;
    const pipe = ctx.redis.pipeline();
    for (const k of keys) pipe.hmget(k, 'state', 'stage', 'attempt', 'updated_at', 'error');
    const replies = (await pipe.exec()) ?? [];
    keys.forEach((k, i) => {
      const [err, value] = replies[i] ?? [null, null];
      const f = value as Array<string | null> | null;
      const state = f?.[0];
      if (err || !f || !state) return; // expired or not a hash meanwhile
      if (query.state && state !== query.state) return;
      rows.push({ document_uuid: k.slice(prefix.length + 5), state, stage: text(f[1]), attempt: num(f[2]), updated_at: num(f[3]), error: text(f[4]) });
    });
  }
  return { documents: newestFirst(rows, limit), matched: rows.length };
}
