/** Deterministic identifiers: the same inputs give the same uuid on every run (RFC 4122 version 5 layout). */
import { createHash } from 'node:crypto';

/** Namespace of docpipe's name-based uuids (a fixed random uuid). */
const DOCPIPE_NAMESPACE = '5f1d6a3e-8c2b-4f0e-9a57-3c1b2d4e6f70';

export function deterministicUuid(...parts: ReadonlyArray<string | number>): string {
  const h = createHash('sha1');
  h.update(Buffer.from(DOCPIPE_NAMESPACE.replace(/-/g, ''), 'hex'));
  h.update(parts.map((p) => String(p).replace(/\\/g, '\\\\').replace(/\|/g, '\\|')).join('|'));
  const b = h.digest().subarray(0, 16);
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x50;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const x = b.toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}
