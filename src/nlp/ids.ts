/** Deterministic identifiers: the same inputs give the same uuid on every run (RFC 4122 version 5). */
import { uuidV5 } from '../util/uuid.ts';

/** Namespace of docpipe's name-based uuids (a fixed random uuid). */
const DOCPIPE_NAMESPACE = '5f1d6a3e-8c2b-4f0e-9a57-3c1b2d4e6f70';

/** The uuid of `parts` joined by `|` (a `|` or `\` inside a part is escaped, so joins never collide). */
export function deterministicUuid(...parts: ReadonlyArray<string | number>): string {
  return uuidV5(parts.map((p) => String(p).replace(/\\/g, '\\\\').replace(/\|/g, '\\|')).join('|'), DOCPIPE_NAMESPACE);
}
