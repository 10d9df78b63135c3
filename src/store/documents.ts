/**
 * Direct mode (`docpipe-run --input`, `docpipe submit`): a `source_documents` row per probed file
 * (providers/probe.ts reads the file; the store only records what it was given), ready to publish
 * to the first stage.
 */
import { resolve } from 'node:path';
import { PermanentError } from '../errors.ts';
import type { Sql } from './db.ts';
import { toOcrMessage, type OcrMessage } from './intake.ts';

/** A local file as probed by the caller (providers/probe.ts `probeFile`). */
export interface SourceFileFacts {
  /** Absolute. */
  filePath: string;
  fileName: string;
  detectedFileType: string;
  fileSizeBytes: number;
  fileSha256: string;
}

export interface SourceDocumentRow {
  id: number;
  documentUuid: string;
  projectId: number | null;
  fileName: string;
  filePath: string;
  detectedFileType: string;
  fileSizeBytes: number;
  fileSha256: string;
}

export interface CreatedDocument {
  row: SourceDocumentRow;
  message: OcrMessage;
  /** True when `reuseExisting` found a row for the same path and content instead of inserting one. */
  existing: boolean;
}

/** The id of the project named `name`, created if missing (concurrency-safe). */
export async function ensureProject(sql: Sql, name: string): Promise<number> {
  const [row] = await sql<{ id: string }[]>`
    INSERT INTO projects (name) VALUES (${name})
    ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name
    RETURNING id`;
  return Number(row!.id);
}

interface SourceDocumentDbRow {
  id: string;
  document_uuid: string;
  project_id: string | null;
  file_name: string;
  file_path: string;
  detected_file_type: string;
  file_size_bytes: string;
  file_sha256: string;
}

/**
 * Creates the `source_documents` row for a probed local file: absolute `file_path`, `file_name`, the
 * type detected from content (`detected_file_type`), size and SHA-256. With `reuseExisting`, a row
 * with the same path and SHA-256 is returned instead (a re-submitted, unchanged file).
 */
export async function createSourceDocument(
  sql: Sql,
  options: { file: SourceFileFacts; projectName?: string; projectId?: number; reuseExisting?: boolean },
): Promise<CreatedDocument> {
  const { filePath, fileName, detectedFileType: detected, fileSizeBytes: size, fileSha256: sha } = options.file;
  const projectId = options.projectId ?? (options.projectName ? await ensureProject(sql, options.projectName) : null);
  if (options.reuseExisting) {
    const [found] = await sql<SourceDocumentDbRow[]>`
      SELECT id, document_uuid::text AS document_uuid, project_id, file_name, file_path, detected_file_type, file_size_bytes, file_sha256
      FROM source_documents
      WHERE file_sha256 = ${sha} AND file_path = ${filePath} AND project_id IS NOT DISTINCT FROM ${projectId}
      ORDER BY id DESC LIMIT 1`;
    if (found) return built(found, true);
  }
  const [inserted] = await sql<SourceDocumentDbRow[]>`
    INSERT INTO source_documents (project_id, file_name, file_path, detected_file_type, file_size_bytes, file_sha256, initial_processing_status)
    VALUES (${projectId}, ${fileName}, ${filePath}, ${detected}, ${size}, ${sha}, 'pending')
    RETURNING id, document_uuid::text AS document_uuid, project_id, file_name, file_path, detected_file_type, file_size_bytes, file_sha256`;
  return built(inserted!, false);
}

function built(r: SourceDocumentDbRow, existing: boolean): CreatedDocument {
  const row: SourceDocumentRow = {
    id: Number(r.id),
    documentUuid: r.document_uuid,
    projectId: r.project_id === null ? null : Number(r.project_id),
    fileName: r.file_name,
    filePath: r.file_path,
    detectedFileType: r.detected_file_type,
    fileSizeBytes: Number(r.file_size_bytes),
    fileSha256: r.file_sha256,
  };
  const message = toOcrMessage({
    documentUuid: row.documentUuid,
    sourceDocumentId: row.id,
    filePath: row.filePath,
    fileName: row.fileName,
    detectedFileType: row.detectedFileType,
    projectId: row.projectId,
  });
  return { row, message, existing };
}

/**
 * Direct mode in one call: probes (the caller's `probe`, e.g. providers/probe.ts `probeFile`) and
 * creates a row for each file (in order); a file that vanished or cannot be read since it was listed
 * is reported in `failed`, not fatal. Publish `created[i].message` to the first stage.
 */
export async function createSourceDocuments(
  sql: Sql,
  files: readonly string[],
  options: { probe: (file: string) => Promise<SourceFileFacts>; projectName?: string; reuseExisting?: boolean },
): Promise<{ created: CreatedDocument[]; failed: Array<{ path: string; reason: string }> }> {
  const projectId = options.projectName ? await ensureProject(sql, options.projectName) : undefined;
  const created: CreatedDocument[] = [];
  const failed: Array<{ path: string; reason: string }> = [];
  for (const file of files) {
    try {
      created.push(await createSourceDocument(sql, { file: await options.probe(file), projectId, reuseExisting: options.reuseExisting }));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (err instanceof PermanentError || code === 'EACCES' || code === 'EISDIR' || code === 'ENOENT') {
        failed.push({ path: resolve(file), reason: (err as Error).message });
      } else {
        throw err; // the store itself failed: not a per-file problem
      }
    }
  }
  return { created, failed };
}
