/** Name-based UUIDs (RFC 4122 version 5, SHA-1): stable for a name, distinct across names. */
import { createHash } from 'node:crypto';

/** docpipe's namespace for chunk ids (a fixed random UUID). */
export const CHUNK_NAMESPACE = '6f1c3f0e-8a7b-4c52-9d1e-2b4a7c9e5d13';

function bytesOf(uuid: string): Buffer {
  return Buffer.from(uuid.replace(/-/g, ''), 'hex');
}

export function uuidV5(name: string, namespace: string): string {
  const hash = createHash('sha1').update(bytesOf(namespace)).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const h = hash.subarray(0, 16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** The chunk uuid for (document, index): the same on every run, never shared by two documents. */
export function chunkUuid(documentUuid: string, index: number): string {
  return uuidV5(`${documentUuid.toLowerCase()}:${index}`, CHUNK_NAMESPACE);
}
