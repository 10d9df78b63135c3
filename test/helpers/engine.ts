/** Reading the engine fixture pipeline's outcome from Redis (test/fixtures/engine: extract -> enrich -> publish). */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

export async function completedDocs(redis: Redis, prefix: string): Promise<string[]> {
  const entries = await redis.xrange(`${prefix}:processing:completed`, '-', '+');
  return entries.map(([, f]) => f[f.indexOf('document_uuid') + 1]!);
}

export async function pendingTotal(redis: Redis, prefix: string): Promise<number> {
  let total = 0;
  for (const stage of ['extract', 'enrich', 'publish']) {
    const [count] = (await redis.xpending(`${prefix}:${stage}:pending`, `${stage}-service-group`)) as [number];
    total += Number(count);
  }
  return total;
}

export async function dlq(redis: Redis, prefix: string, stage: string): Promise<Array<Record<string, string>>> {
  const entries = await redis.xrange(`${prefix}:${stage}:dlq`, '-', '+');
  return entries.map(([, f]) => Object.fromEntries(Array.from({ length: f.length / 2 }, (_, i) => [f[2 * i]!, f[2 * i + 1]!])));
}

/** Feeds `count` documents into `stream` as a producer would (n = 1..count, a nested `meta`): number -> document uuid. */
export async function produceDocs(
  redis: Redis,
  stream: string,
  count: number,
  meta: unknown = { tags: ['a', 'b'] },
): Promise<Map<number, string>> {
  const docs = new Map<number, string>();
  const pipe = redis.pipeline();
  for (let n = 1; n <= count; n++) {
    const uuid = randomUUID();
    docs.set(n, uuid);
    pipe.xadd(stream, '*', 'document_uuid', uuid, 'source_doc_sql_id', String(n), 'n', String(n), 'meta', JSON.stringify(meta));
  }
  await pipe.exec();
  return docs;
}
