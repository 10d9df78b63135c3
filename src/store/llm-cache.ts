/** The `llm_cache` table behind the LLM client's response cache (providers/llm/cache.ts `LlmCache`). */
import type { Sql } from './db.ts';

export function sqlLlmCache(sql: Sql): {
  read(key: string): Promise<unknown>;
  write(key: string, model: string, response: unknown): Promise<void>;
} {
  return {
    async read(key) {
      const rows = await sql<{ response: unknown }[]>`SELECT response FROM llm_cache WHERE cache_key = ${key}`;
      return rows[0]?.response;
    },
    async write(key, model, response) {
      await sql`
        INSERT INTO llm_cache (cache_key, model, response) VALUES (${key}, ${model}, ${sql.json(response as Parameters<Sql['json']>[0])})
        ON CONFLICT (cache_key) DO UPDATE SET response = EXCLUDED.response, model = EXCLUDED.model, created_at = now()`;
    },
  };
}
