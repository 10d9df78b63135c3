import type { Sql, Store } from '../store/db.ts';
import { withSpan } from '../telemetry/spans.ts';

/**
 * One transaction per handler attempt (DESIGN §8, issue #19.4): the handler's `ctx.store.sql` runs
 * in it, and the runtime commits only once the output has validated, so a failed or invalid attempt
 * leaves no rows behind. A transaction holds a pooled connection for the whole attempt (LLM calls
 * included), so at most `pool - 1` run at once per process: one connection always stays free for
 * queries outside them (the LLM cache, intake, outcomes), and a full pool cannot deadlock.
 */
export async function inTransaction<T>(store: Store, attempt: (store: Store) => Promise<T>): Promise<T> {
  const slots = slotsOf(store.sql);
  // a pool of one connection cannot spare one for a transaction: the handler runs without
  if (!slots) return attempt(store);
  await slots.acquire();
  const open = { value: true };
  try {
    return await withSpan('store transaction', { 'db.system.name': 'postgresql', 'db.operation.name': 'transaction' }, async () =>
      (await store.sql.begin(async (tx) => {
        try {
          return await attempt({ sql: guard(tx as unknown as Sql, open) });
        } finally {
          open.value = false; // a handler still running (timed out, aborted) cannot write any more
        }
      })) as T);
  } finally {
    open.value = false;
    slots.release();
  }
}

/** Counting semaphore of transactions per connection pool. */
class Slots {
  private free: number;
  private readonly waiting: Array<() => void> = [];
  constructor(size: number) {
    this.free = size;
  }
  async acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

const slotsByPool = new WeakMap<Sql, Slots>();

function slotsOf(sql: Sql): Slots | undefined {
  let slots = slotsByPool.get(sql);
  if (!slots) {
    const max = Number((sql as unknown as { options?: { max?: number } }).options?.max ?? 10);
    if (max < 2) return undefined;
    slots = new Slots(max - 1);
    slotsByPool.set(sql, slots);
  }
  return slots;
}

const CLOSED = 'this attempt is over: its transaction was committed or rolled back';

/**
 * The transaction as the handler sees it: the same `sql` API, with `sql.begin(fn)` (the handlers'
 * own replace-by-key blocks) run as a savepoint inside it, and no query accepted once it is over.
 */
function guard(tx: Sql, open: { value: boolean }): Sql {
  const check = () => {
    if (!open.value) throw new Error(CLOSED);
  };
  const nested = (fn: (sql: Sql) => unknown) => (tx as unknown as { savepoint: (cb: (inner: Sql) => unknown) => Promise<unknown> }).savepoint((inner) => fn(guard(inner, open)));
  return new Proxy(tx, {
    apply(target, thisArg, args: unknown[]) {
      if (Array.isArray((args[0] as { raw?: unknown } | undefined)?.raw)) check();
      return Reflect.apply(target as unknown as (...a: unknown[]) => unknown, thisArg, args);
    },
    get(target, prop, receiver) {
      if (prop === 'begin' || prop === 'savepoint') {
        return (a: unknown, b?: unknown) => {
          check();
          return nested((typeof a === 'function' ? a : b) as (sql: Sql) => unknown);
        };
      }
      if (prop === 'unsafe') {
        return (...args: unknown[]) => {
          check();
          return (target.unsafe as (...a: unknown[]) => unknown)(...args);
        };
      }
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
}
