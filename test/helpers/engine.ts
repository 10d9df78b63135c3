/** Reading the engine fixture pipeline's outcome from Redis (test/fixtures/engine: extract -> enrich -> publish). */
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
