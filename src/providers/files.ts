import { open, realpath } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidMessageError, PermanentError } from '../errors.ts';
import type { FileSource, SourceFile } from './types.ts';

export interface FileSourceOptions {
  allowedRoots: readonly string[];
  maxBytes: number;
  /** Reader for `supabase://bucket/key` (Supabase Storage); absent when not configured. */
  remote?: Partial<Record<'supabase' | 's3', (location: string, signal?: AbortSignal) => Promise<Buffer>>>;
}

/**
 * Reads source files only from configured roots. Paths are resolved (symlinks included) before the
 * check, so `../`, absolute paths, `file://` tricks and symlinks cannot escape a root.
 */
export class LocalFileSource implements FileSource {
  private readonly roots: string[];
  private readonly maxBytes: number;
  private readonly remote: FileSourceOptions['remote'];
  private realRoots: Promise<string[]> | undefined;

  constructor(options: FileSourceOptions) {
    this.roots = options.allowedRoots.map((r) => path.resolve(r));
    this.maxBytes = options.maxBytes;
    this.remote = options.remote;
  }

  resolveLocal(filePath: string): string {
    let p = filePath;
    if (p.startsWith('file://')) {
      try {
        p = fileURLToPath(p);
      } catch {
        throw new InvalidMessageError(`file_path "${filePath}" is not a valid file:// URL`, { code: 'DP_ERR_FILE_OUTSIDE_ROOTS' });
      }
    } else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(p)) {
      throw new InvalidMessageError(`file_path "${filePath}": unsupported scheme`, { code: 'DP_ERR_FILE_OUTSIDE_ROOTS' });
    }
    if (p.includes('\0')) throw new InvalidMessageError('file_path contains a NUL byte', { code: 'DP_ERR_FILE_OUTSIDE_ROOTS' });
    const abs = path.resolve(p);
    if (!this.roots.some((r) => isInside(abs, r))) {
      throw new InvalidMessageError(`file_path "${filePath}" is outside the allowed roots`, { code: 'DP_ERR_FILE_OUTSIDE_ROOTS' });
    }
    return abs;
  }

  async read(filePath: string, options: { signal?: AbortSignal } = {}): Promise<SourceFile> {
    const scheme = /^(supabase|s3):\/\//.exec(filePath)?.[1] as 'supabase' | 's3' | undefined;
    if (scheme) {
      const reader = this.remote?.[scheme];
      if (!reader) throw new PermanentError(`${scheme}:// sources are not configured`, { code: 'DP_ERR_PROVIDER_UNAVAILABLE' });
      const bytes = await reader(filePath, options.signal);
      if (bytes.length > this.maxBytes)
        throw new PermanentError(`${filePath} is ${bytes.length} bytes, over files.max_bytes (${this.maxBytes})`, {
          code: 'DP_ERR_FILE_TOO_LARGE',
        });
      return { bytes, name: path.posix.basename(filePath), location: filePath };
    }
    const abs = this.resolveLocal(filePath);
    let real: string;
    try {
      real = await realpath(abs);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new PermanentError(`file not found: ${filePath}`, { code: 'DP_ERR_FILE_NOT_FOUND' });
      // A symlink loop or a path through a non-directory never resolves on a retry.
      if (code === 'ELOOP' || code === 'ENOTDIR' || code === 'ENAMETOOLONG')
        throw new PermanentError(`cannot resolve ${filePath} (${code})`, { code: 'DP_ERR_FILE_NOT_FOUND', cause: err });
      throw err;
    }
    const roots = await (this.realRoots ??= Promise.all(this.roots.map((r) => realpath(r).catch(() => r))));
    if (!roots.some((r) => isInside(real, r))) {
      throw new InvalidMessageError(`file_path "${filePath}" resolves outside the allowed roots`, { code: 'DP_ERR_FILE_OUTSIDE_ROOTS' });
    }
    const handle = await open(real, 'r');
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) throw new PermanentError(`${filePath} is not a regular file`, { code: 'DP_ERR_FILE_NOT_FOUND' });
      if (stat.size > this.maxBytes)
        throw new PermanentError(`${filePath} is ${stat.size} bytes, over files.max_bytes (${this.maxBytes})`, {
          code: 'DP_ERR_FILE_TOO_LARGE',
        });
      const bytes = await handle.readFile({ signal: options.signal });
      return { bytes, name: path.basename(real), location: real };
    } finally {
      await handle.close();
    }
  }
}

function isInside(p: string, root: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}
