/**
 * Direct mode (`docpipe-run --input`, `docpipe submit`): expand the given files and folders, and
 * probe each file (type detected from content, size, SHA-256) for its `source_documents` row
 * (store/documents.ts, which never touches the file system itself).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { detectFileType, type DetectedType } from './detect.ts';
import { PermanentError } from '../errors.ts';

/** Bytes read to detect a type (a .docx shows `word/` within its first entries). */
const HEAD_BYTES = 64 * 1024;

/** Types the default pipeline's first stage can read; others are reported by listInputFiles. */
export const SUPPORTED_TYPES: ReadonlySet<DetectedType> = new Set<DetectedType>([
  '.pdf',
  '.docx',
  '.txt',
  '.eml',
  '.html',
  '.png',
  '.jpg',
  '.tiff',
  '.mp3',
  '.wav',
  '.m4a',
]);

/** What the store records of a local file (store/documents.ts `SourceFileFacts`). */
export interface ProbedFile {
  /** Absolute. */
  filePath: string;
  fileName: string;
  detectedFileType: DetectedType;
  fileSizeBytes: number;
  fileSha256: string;
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

/**
 * Probes a local file for its `source_documents` row: absolute path, name, the type detected from
 * content, size and SHA-256. A missing path or one that is not a regular file is a permanent
 * DP_ERR_FILE_NOT_FOUND.
 */
export async function probeFile(file: string): Promise<ProbedFile> {
  const filePath = path.resolve(file);
  let size: number;
  try {
    const s = await stat(filePath);
    if (!s.isFile()) throw new PermanentError(`${filePath} is not a regular file`, { code: 'DP_ERR_FILE_NOT_FOUND' });
    size = s.size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      throw new PermanentError(`file not found: ${filePath}`, { code: 'DP_ERR_FILE_NOT_FOUND', cause: err });
    throw err;
  }
  const fileName = path.basename(filePath);
  const detectedFileType = detectFileType(await readHead(filePath), fileName);
  const fileSha256 = await sha256File(filePath);
  return { filePath, fileName, detectedFileType, fileSizeBytes: size, fileSha256 };
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
      const dangling =
        code === 'ENOENT' &&
        (await lstat(p).then(
          () => true,
          () => false,
        ));
      skipped.push({
        path: p,
        reason: dangling ? 'broken symlink' : code === 'ENOENT' ? 'not found' : `unreadable: ${code ?? (err as Error).message}`,
      });
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
