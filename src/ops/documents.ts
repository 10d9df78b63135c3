/**
 * Finding documents (`docpipe doc <query>`, the dashboard's list and search): the state mirror
 * hashes (`<prefix>:doc:<uuid>`) found by SCAN (the prefix glob-escaped), narrowed by state, stage
 * and a query that matches the start of the uuid or part of the file name (case-insensitive). Only
 * the mirror's fields are read: it holds no document text. The file name is in the hash from
 * submission (intake, `docpipe submit`, --input); a document produced straight into the first
 * stream by another program has none and is found by its uuid only.
 */
import { globEscape, scanKeys, type OpsContext } from './connect.ts';

export interface DocumentRow {
  document_uuid: string;
  state: string;
  stage: string | null;
  attempt: number | null;
  updated_at: number | null;
  error: string | null;
  file_name: string | null;
}

export interface DocumentList {
  documents: DocumentRow[];
  /** Documents that matched (the list holds at most `limit` of them, most recently updated first). */
  matched: number;
}

export interface DocumentQuery {
  state?: string;
  stage?: string;
  /** The start of a uuid, or part of a file name. */
  q?: string;
  limit?: number;
}

/**
 * True when the row matches the query (already trimmed and lower-cased): uuid prefix or file name
 * part, compared as plain text (the query never reaches SCAN MATCH, so `*`, `?`, `[` are literal).
 */
export function matchesQuery(row: Pick<DocumentRow, 'document_uuid' | 'file_name'>, q: string): boolean {
  if (!q) return true;
  return row.document_uuid.startsWith(q) || (row.file_name !== null && row.file_name.toLowerCase().includes(q));
}

const text = (v: string | null | undefined): string | null => (v === null || v === undefined || v === '' ? null : v);
const num = (v: string | null | undefined): number | null =>
  v === null || v === undefined || v === '' || !Number.isFinite(Number(v)) ? null : Number(v);

/** The newest-first top `limit` rows (pure). */
export function newestFirst(rows: DocumentRow[], limit: number): DocumentRow[] {
  return [...rows]
    .sort((a, b) => (b.updated_at ?? 0) - (a.updated_at ?? 0) || a.document_uuid.localeCompare(b.document_uuid))
    .slice(0, limit);
}

export async function listDocuments(ctx: OpsContext, query: DocumentQuery = {}): Promise<DocumentList> {
  const prefix = ctx.keys.prefix;
  const q = query.q?.trim().toLowerCase() ?? '';
  const limit = Math.max(1, Math.min(query.limit ?? 50, 500));
  const rows: DocumentRow[] = [];
  // every hash is read: a query that looks like a uuid prefix ("2021-03-15") may be part of a file name
  for await (const batch of scanKeys(ctx.redis, `${globEscape(prefix)}:doc:*`)) {
    const keys = batch.filter((k) => !k.endsWith(':events') && !k.slice(prefix.length + 5).includes(':'));
    if (keys.length === 0) continue;
    const pipe = ctx.redis.pipeline();
    for (const k of keys) pipe.hmget(k, 'state', 'stage', 'attempt', 'updated_at', 'error', 'file_name');
    const replies = (await pipe.exec()) ?? [];
    keys.forEach((k, i) => {
      const [err, value] = replies[i] ?? [null, null];
      const f = value as Array<string | null> | null;
      const state = f?.[0];
      if (err || !f || !state) return; // expired or not a hash meanwhile
      if (query.state && state !== query.state) return;
      const row: DocumentRow = {
        document_uuid: k.slice(prefix.length + 5),
        state,
        stage: text(f[1]),
        attempt: num(f[2]),
        updated_at: num(f[3]),
        error: text(f[4]),
        file_name: text(f[5]),
      };
      if (query.stage && row.stage !== query.stage) return;
      if (matchesQuery(row, q)) rows.push(row);
    });
  }
  return { documents: newestFirst(rows, limit), matched: rows.length };
}
