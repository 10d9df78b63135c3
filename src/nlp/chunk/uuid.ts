/** Chunk ids: name-based uuids (version 5), stable for a (document, index), distinct across them. */
import { uuidV5 } from '../../util/uuid.ts';

/** docpipe's namespace for chunk ids (a fixed random UUID). */
const CHUNK_NAMESPACE = '6f1c3f0e-8a7b-4c52-9d1e-2b4a7c9e5d13';

/** The chunk uuid for (document, index): the same on every run, never shared by two documents. */
export function chunkUuid(documentUuid: string, index: number): string {
  return uuidV5(`${documentUuid.toLowerCase()}:${index}`, CHUNK_NAMESPACE);
}
