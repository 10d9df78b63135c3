/** The `llm_cache` table: responses keyed by sha256(model, system prompt, document, schema). */
import { createHash } from 'node:crypto';
import type { Sql } from '../../store/db.ts';
import type { LlmJsonRequest } from '../types.ts';

export function cacheKey(model: string, request: Pick<LlmJsonRequest, 'system' | 'user' | 'schema' | 'schemaName'>): string {
  const h = createHash('sha256');
  for (const part of [model, request.system, request.user, request.schemaName, JSON.stringify(request.schema)]) {
    h.update(String(Buffer.byteLength(part)));
    h.update(':');
    h.update(part);
  }
  return h.digest('hex');
}

export async function readCache(sql: Sql, key: string): Promise<unknown> {
  const rows = await sql<{ response: unknown }[]>`SELECT response FROM llm_cache WHERE cache_key = ${key}`;
  return rows[0]?.response;
}

export async function writeCache(sql: Sql, key: string, model: string, response: unknown): Promise<void> {
  await sql`
    INSERT INTO llm_cache (cache_key, model, response) VALUES (${key}, ${model}, ${sql.json(response as Parameters<Sql['json']>[0])})
    ON CONFLICT (cache_key) DO UPDATE SET response = EXCLUDED.response, model = EXCLUDED.model, created_at = now()`;
}
