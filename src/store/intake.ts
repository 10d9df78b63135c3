/**
 * Queue intake (the seed's `document_processing_queue`): claim pending rows without two intake
 * processes ever taking the same row, turn each into the first stage's message, write the terminal
 * outcome back, and re-drive rows stuck in `processing`.
 */
import type { Sql } from './db.ts';
import { UUID_PATTERN } from '../util/uuid.ts';

export interface ClaimedRow {
  queueId: number;
  /** Attempts after this claim (1 on the first claim). */
  attempts: number;
  sourceDocumentId: number;
  documentUuid: string;
  filePath: string;
  fileName: string;
  detectedFileType: string | null;
  projectId: number | null;
}

/** The ocr stage's input (schemas/ocr.json), in the seed's flat convention. */
export interface OcrMessage {
  document_uuid: string;
  source_doc_sql_id: number;
  file_path: string;
  file_name?: string;
  detected_file_type?: string;
  project_sql_id: number | null;
}

interface ClaimedDbRow {
  queue_id: string;
  attempts: number;
  source_document_id: string;
  document_uuid: string;
  file_path: string;
  file_name: string;
  detected_file_type: string | null;
  project_id: string | null;
}

/**
 * Claims up to `limit` pending rows, oldest first, in one statement: the rows are locked with
 * `FOR UPDATE SKIP LOCKED` (a concurrent claimer skips them instead of waiting or taking them) and
 * set to `processing` with this processor's id, `started_at` now and `attempts + 1`.
 */
export async function claimQueueRows(sql: Sql, options: { limit: number; processorId: string }): Promise<ClaimedRow[]> {
  if (options.limit <= 0) return [];
  const rows = await sql<ClaimedDbRow[]>`
    WITH picked AS (
      SELECT q.id FROM document_processing_queue q
      WHERE q.status = 'pending'
      ORDER BY q.created_at, q.id
      LIMIT ${options.limit}
      FOR UPDATE SKIP LOCKED
    )
    UPDATE document_processing_queue q
    SET status = 'processing', processor_id = ${options.processorId}, started_at = now(),
        attempts = q.attempts + 1, completed_at = NULL, error_message = NULL, updated_at = now()
    FROM picked, source_documents d
    WHERE q.id = picked.id AND d.id = q.source_document_id
    RETURNING q.id AS queue_id, q.attempts, d.id AS source_document_id, d.document_uuid::text AS document_uuid,
              d.file_path, d.file_name, d.detected_file_type, d.project_id`;
  return rows
    .map((r) => ({
      queueId: Number(r.queue_id),
      attempts: r.attempts,
      sourceDocumentId: Number(r.source_document_id),
      documentUuid: r.document_uuid,
      filePath: r.file_path,
      fileName: r.file_name,
      detectedFileType: r.detected_file_type,
      projectId: r.project_id === null ? null : Number(r.project_id),
    }))
    .sort((a, b) => a.queueId - b.queueId);
}

export interface ReclaimedRow {
  queueId: number;
  documentUuid: string;
  attempts: number;
  /** 'pending' (re-driven: the next claim publishes it again) or 'failed' (maxAttempts reached). */
  status: 'pending' | 'failed';
}

/**
 * Rows in `processing` whose `started_at` is older than `olderThanMs` go back to `pending` (the
 * normal claim loop publishes them again and counts the attempt), or to `failed` once they have been
 * claimed `maxAttempts` times (default: never). Returns what it changed, for logging.
 */
export async function reclaimStuckRows(sql: Sql, options: { olderThanMs: number; maxAttempts?: number }): Promise<ReclaimedRow[]> {
  const max = options.maxAttempts ?? 2_147_483_647;
  const rows = await sql<{ queue_id: string; document_uuid: string; attempts: number; status: 'pending' | 'failed' }[]>`
    WITH stuck AS (
      SELECT q.id FROM document_processing_queue q
      WHERE q.status = 'processing' AND q.started_at < now() - make_interval(secs => ${options.olderThanMs / 1000})
      FOR UPDATE SKIP LOCKED
    )
    UPDATE document_processing_queue q
    SET status = CASE WHEN q.attempts >= ${max} THEN 'failed' ELSE 'pending' END,
        processor_id = CASE WHEN q.attempts >= ${max} THEN q.processor_id ELSE NULL END,
        completed_at = CASE WHEN q.attempts >= ${max} THEN now() ELSE NULL END,
        error_message = CASE WHEN q.attempts >= ${max}
          THEN 'stuck in processing on ' || q.attempts || ' attempts (last by ' || coalesce(q.processor_id, '?') || ')'
          ELSE NULL END,
        updated_at = now()
    FROM stuck, source_documents d
    WHERE q.id = stuck.id AND d.id = q.source_document_id
    RETURNING q.id AS queue_id, d.document_uuid::text AS document_uuid, q.attempts, q.status`;
  const failed = rows.filter((r) => r.status === 'failed').map((r) => r.document_uuid);
  if (failed.length) {
    await sql`
      UPDATE source_documents SET initial_processing_status = 'failed', error_message = 'stuck in processing', last_modified_at = now()
      WHERE document_uuid = ANY(${failed}::uuid[])`;
  }
  return rows
    .map((r) => ({ queueId: Number(r.queue_id), documentUuid: r.document_uuid, attempts: r.attempts, status: r.status }))
    .sort((a, b) => a.queueId - b.queueId);
}

const MAX_ERROR_CHARS = 4000;

export interface OutcomeResult {
  /** source_documents.id, or null when no document has this uuid. */
  sourceDocumentId: number | null;
  /** The queue row marked, or null when the document has none (direct mode). */
  queueId: number | null;
}

/**
 * Writes a document's terminal outcome: its latest queue row (if any) becomes `completed`/`failed`
 * with `completed_at` and `error_message`, and `source_documents.initial_processing_status` /
 * `error_message` follow. Idempotent: repeating the same outcome changes nothing observable
 * (`completed_at` keeps its first value).
 */
export async function markOutcome(
  sql: Sql,
  options: { documentUuid: string; status: 'completed' | 'failed'; error?: string },
): Promise<OutcomeResult> {
  if (!UUID_PATTERN.test(options.documentUuid)) return { sourceDocumentId: null, queueId: null };
  const error = options.status === 'failed' ? (options.error ?? 'failed').slice(0, MAX_ERROR_CHARS) : null;
  const [row] = await sql<{ source_document_id: string | null; queue_id: string | null }[]>`
    WITH doc AS (
      UPDATE source_documents
      SET initial_processing_status = ${options.status}, error_message = ${error}, last_modified_at = now()
      WHERE document_uuid = ${options.documentUuid}::uuid
      RETURNING id
    ), latest AS (
      SELECT q.id FROM document_processing_queue q JOIN doc ON q.source_document_id = doc.id
      ORDER BY q.id DESC LIMIT 1
    ), marked AS (
      UPDATE document_processing_queue q
      SET completed_at = CASE WHEN q.status = ${options.status} AND q.completed_at IS NOT NULL THEN q.completed_at ELSE now() END,
          status = ${options.status}, error_message = ${error}, updated_at = now()
      FROM latest WHERE q.id = latest.id
      RETURNING q.id
    )
    SELECT (SELECT id FROM doc) AS source_document_id, (SELECT id FROM marked) AS queue_id`;
  return {
    sourceDocumentId: row?.source_document_id == null ? null : Number(row.source_document_id),
    queueId: row?.queue_id == null ? null : Number(row.queue_id),
  };
}

/** The first stage's message for a claimed row (or a direct-mode document). */
export function toOcrMessage(
  row: Pick<ClaimedRow, 'documentUuid' | 'sourceDocumentId' | 'filePath' | 'fileName' | 'detectedFileType' | 'projectId'>,
): OcrMessage {
  return {
    document_uuid: row.documentUuid,
    source_doc_sql_id: row.sourceDocumentId,
    file_path: row.filePath,
    ...(row.fileName ? { file_name: row.fileName } : {}),
    ...(row.detectedFileType ? { detected_file_type: row.detectedFileType } : {}),
    project_sql_id: row.projectId,
  };
}
