/**
 * The LLM response cache: responses keyed by sha256(model, system prompt, document, schema). The
 * client only knows this small interface; the Postgres `llm_cache` table behind it is the store's
 * (store/llm-cache.ts), injected by whoever builds the providers.
 */
import { createHash } from 'node:crypto';
import type { LlmJsonRequest } from '../types.ts';

export interface LlmCache {
  read(key: string): Promise<unknown>;
  write(key: string, model: string, response: unknown): Promise<void>;
}

export function cacheKey(model: string, request: Pick<LlmJsonRequest, 'system' | 'user' | 'schema' | 'schemaName'>): string {
  const h = createHash('sha256');
  for (const part of [model, request.system, request.user, request.schemaName, JSON.stringify(request.schema)]) {
    h.update(String(Buffer.byteLength(part)));
    h.update(':');
    h.update(part);
  }
  return h.digest('hex');
}
