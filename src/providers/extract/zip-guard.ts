/**
 * Checks a ZIP (a .docx) before any library inflates it: the central directory must be readable,
 * the number of entries and the total uncompressed size must stay under limits, and every entry is
 * inflated here with a hard output cap, so a directory that lies about sizes cannot bomb us either.
 */
import { inflateRawSync } from 'node:zlib';
import { PermanentError } from '../../errors.ts';

export interface ZipLimits {
  /** Total uncompressed bytes allowed (default 256 MiB). */
  maxUncompressedBytes: number;
  maxEntries: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = { maxUncompressedBytes: 256 * 1024 * 1024, maxEntries: 10_000 };

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  localOffset: number;
}

export function checkZip(bytes: Buffer, name: string, limits: ZipLimits = DEFAULT_ZIP_LIMITS): ZipEntry[] {
  const corrupt = (why: string) => new PermanentError(`${name}: not a valid ZIP/DOCX (${why})`, { code: 'DP_ERR_FILE_CORRUPT' });
  const entries = readCentralDirectory(bytes, corrupt);
  if (entries.length > limits.maxEntries)
    throw new PermanentError(`${name}: ${entries.length} ZIP entries, over the limit of ${limits.maxEntries} (zip bomb?)`, {
      code: 'DP_ERR_FILE_CORRUPT',
    });
  const declared = entries.reduce((s, e) => s + e.uncompressedSize, 0);
  if (declared > limits.maxUncompressedBytes) {
    throw new PermanentError(
      `${name}: declares ${declared} uncompressed bytes, over the limit of ${limits.maxUncompressedBytes} (zip bomb)`,
      { code: 'DP_ERR_FILE_CORRUPT' },
    );
  }
  let budget = limits.maxUncompressedBytes;
  for (const e of entries) {
    budget -= inflatedSize(bytes, e, budget, name, corrupt);
  }
  return entries;
}

function readCentralDirectory(bytes: Buffer, corrupt: (why: string) => Error): ZipEntry[] {
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
    if (bytes.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw corrupt('no end of central directory');
  const count = bytes.readUInt16LE(eocd + 10);
  const cdOffset = bytes.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdOffset === 0xffffffff) throw corrupt('ZIP64 archives are not supported');
  const entries: ZipEntry[] = [];
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > bytes.length || bytes.readUInt32LE(p) !== CENTRAL) throw corrupt('truncated central directory');
    const nameLen = bytes.readUInt16LE(p + 28);
    entries.push({
      method: bytes.readUInt16LE(p + 10),
      compressedSize: bytes.readUInt32LE(p + 20),
      uncompressedSize: bytes.readUInt32LE(p + 24),
      localOffset: bytes.readUInt32LE(p + 42),
      name: bytes.toString('utf8', p + 46, p + 46 + nameLen),
    });
    p += 46 + nameLen + bytes.readUInt16LE(p + 30) + bytes.readUInt16LE(p + 32);
  }
  return entries;
}

/** Inflates one entry with an output cap; returns its real size. */
function inflatedSize(bytes: Buffer, e: ZipEntry, budget: number, name: string, corrupt: (why: string) => Error): number {
  const h = e.localOffset;
  if (h + 30 > bytes.length || bytes.readUInt32LE(h) !== LOCAL) throw corrupt(`bad local header for ${e.name}`);
  const start = h + 30 + bytes.readUInt16LE(h + 26) + bytes.readUInt16LE(h + 28);
  const data = bytes.subarray(start, start + e.compressedSize);
  if (data.length < e.compressedSize) throw corrupt(`truncated entry ${e.name}`);
  if (e.method === 0) return data.length;
  if (e.method !== 8) throw corrupt(`entry ${e.name} uses compression method ${e.method}`);
  try {
    return inflateRawSync(data, { maxOutputLength: Math.max(1, Math.min(budget, e.uncompressedSize + 1)) }).length;
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
      throw new PermanentError(`${name}: entry ${e.name} inflates past its declared size or the limit (zip bomb)`, {
        code: 'DP_ERR_FILE_CORRUPT',
        cause: err,
      });
    }
    throw corrupt(`entry ${e.name} does not inflate: ${(err as Error).message}`);
  }
}
