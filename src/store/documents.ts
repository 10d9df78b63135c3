/**
 * Direct mode (`docpipe-run --input`, `docpipe submit`): expand the given files and folders, and create
 * a `source_documents` row per file, its type detected from content, ready to publish to the first stage.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { detectFileType, type DetectedType } from '../providers/detect.ts';
import { PermanentError } from '../errors.ts';
import type { Sql } from './db.ts';
import { toOcrMessage, type OcrMessage } from './intake.ts';

/** Bytes read to detect a type (a .docx shows `word/` within its first entries). */
const HEAD_BYTES = 64 * 1024;

/** Types the default pipeline's first stage can read; others are reported by listInputFiles. */
export const SUPPORTED_TYPES: ReadonlySet<DetectedType> = new Set<DetectedType>(['.pdf', '.docx', '.txt', '.eml', '.html', '.png', '.jpg', '.tiff', '.mp3', '.wav', '.m4a']);

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

export async function readHead(filePath: string, bytes = HEAD_BYTES): Promise<Buffer> {
  const fh = await open(filePath, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

export async function sha256File(filePath: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(filePath)) hash.update(chunk as Buffer);
  return hash.digest('hex');
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
 * Creates the `source_documents` row for a local file: absolute `file_path`, `file_name`, the type
 * detected from content (`detected_file_type`), size and SHA-256. With `reuseExisting`, a row with
 * the same path and SHA-256 is returned instead (a re-submitted, unchanged file).
 */
export async function createSourceDocument(
  sql: Sql,
  options: { filePath: string; projectName?: string; projectId?: number; reuseExisting?: boolean },
): Promise<CreatedDocument> {
  const filePath = path.resolve(options.filePath);
  let size: number;
  try {
    const s = await stat(filePath);
    if (!s.isFile()) throw new PermanentError(`${filePath} is not a regular file`, { code: 'DP_ERR_FILE_NOT_FOUND' });
    size = s.size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new PermanentError(`file not found: ${filePath}`, { code: 'DP_ERR_FILE_NOT_FOUND', cause: err });
    throw err;
  }
  const fileName = path.basename(filePath);
  const detected = detectFileType(await readHead(filePath), fileName);
  const sha = await sha256File(filePath);
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
  const message = toOcrMessage({ documentUuid: row.documentUuid, sourceDocumentId: row.id, filePath: row.filePath, fileName: row.fileName, detectedFileType: row.detectedFileType, projectId: row.projectId });
  return { row, message, existing };
}

export interface InputFiles {
  /** Absolute paths of regular, non-empty files of a supported type, sorted, without duplicates. */
  files: string[];
  /** Everything left out, with the reason (not found, unreadable, empty, unsupported type, symlink…). */
  skipped: Array<{ path: string; reason: string }>;
}

/**
 * Expands files and folders into the files to submit. Folders are walked recursively; inside them,
 * hidden entries (`.name`) and symlinks are skipped (a symlink could leave the input folder). Paths
 * named explicitly are followed even when they are symlinks. Nothing here is fatal: every file left
 * out is listed in `skipped`.
 */
export async function listInputFiles(paths: readonly string[], options: { supported?: ReadonlySet<string> } = {}): Promise<InputFiles> {
  const supported = options.supported ?? SUPPORTED_TYPES;
  const candidates: string[] = [];
  const skipped: InputFiles['skipped'] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      skipped.push({ path: dir, reason: `unreadable folder: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` });
      return;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.name.startsWith('.')) continue;
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) candidates.push(p);
      else skipped.push({ path: p, reason: e.isSymbolicLink() ? 'symlink inside a folder (not followed)' : 'not a regular file' });
    }
  };
  for (const given of paths) {
    const p = path.resolve(given);
    let s;
    try {
      s = await stat(p);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const dangling = code === 'ENOENT' && (await lstat(p).then(() => true, () => false));
      skipped.push({ path: p, reason: dangling ? 'broken symlink' : code === 'ENOENT' ? 'not found' : `unreadable: ${code ?? (err as Error).message}` });
      continue;
    }
    if (s.isDirectory()) await walk(p);
    else if (s.isFile()) candidates.push(p);
    else skipped.push({ path: p, reason: 'not a regular file' });
  }
  const files: string[] = [];
  for (const p of [...new Set(candidates)].sort()) {
    let head: Buffer;
    try {
      head = await readHead(p);
    } catch (err) {
      skipped.push({ path: p, reason: `unreadable: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` });
      continue;
    }
    if (head.length === 0) {
      skipped.push({ path: p, reason: 'empty file' });
      continue;
    }
    const type = detectFileType(head, path.basename(p));
    if (!supported.has(type)) {
      skipped.push({ path: p, reason: `unsupported type (${type === 'unknown' ? 'unrecognised content' : type})` });
      continue;
    }
    files.push(p);
  }
  return { files, skipped };
}

/**
 * Direct mode in one call: creates a row for each file (in order); a file that vanished or cannot be
 * read since it was listed is reported in `failed`, not fatal. Publish `created[i].message` to the
 * first stage.
 */
export async function createSourceDocuments(
  sql: Sql,
  files: readonly string[],
  options: { projectName?: string; reuseExisting?: boolean } = {},
): Promise<{ created: CreatedDocument[]; failed: Array<{ path: string; reason: string }> }> {
  const projectId = options.projectName ? await ensureProject(sql, options.projectName) : undefined;
  const created: CreatedDocument[] = [];
  const failed: Array<{ path: string; reason: string }> = [];
  for (const file of files) {
    try {
      created.push(await createSourceDocument(sql, { filePath: file, projectId, reuseExisting: options.reuseExisting }));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (err instanceof PermanentError || code === 'EACCES' || code === 'EISDIR' || code === 'ENOENT') {
        failed.push({ path: path.resolve(file), reason: (err as Error).message });
      } else {
        throw err; // the store itself failed: not a per-file problem
      }
    }
  }
  return { created, failed };
}
