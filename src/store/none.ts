import type { Sql, Store } from './db.ts';

/** `store.url: none`: pipelines whose stages keep no data in Postgres (tests, benchmarks). */
export function noStore(): Store {
  const fail = () => {
    throw new Error('this pipeline has no store (store.url: none); set store.url to use ctx.store');
  };
  return { sql: new Proxy(fail, { get: fail, apply: fail }) as unknown as Sql, transactions: false };
}
