import type { Span } from '@opentelemetry/api';
import { classifyError, InfrastructureError } from '../errors.ts';
import type { Sql, Store } from '../store/db.ts';
import { sleep } from '../util/sleep.ts';
import { withSpan } from '../telemetry/spans.ts';

/**
 * One transaction per handler attempt (DESIGN §8, issue #19.4): the handler's `ctx.store.sql` runs
 * in it, and the runtime commits only once the output has validated, so a failed or invalid attempt
 * leaves no rows behind. A transaction holds a pooled connection for the whole attempt (LLM calls
 * included), so at most `pool - 1` run at once per process: one connection always stays free for
 * queries outside them (the LLM cache, intake, outcomes), and a full pool cannot deadlock.
 */
export async function inTransaction<T>(store: Store, attempt: (store: Store) => Promise<T>, signal?: AbortSignal, span?: Span): Promise<T> {
  const slots = slotsOf(store.sql);
  // a pool of one connection cannot spare one for a transaction: the handler runs without
  if (!slots) return attempt(store);
  await slots.acquire();
  let ended!: () => void;
  const tx: TxState = { open: true, ended: false, end: new Promise<void>((resolve) => (ended = resolve)) };
  try {
    return await withSpan(
      span,
      'store transaction',
      () => ({ 'db.system.name': 'postgresql', 'db.operation.name': 'transaction' }),
      async () => {
        const begun = store.sql.begin((sql) =>
          untilConnectionLost(tx, async () => {
            try {
              return await attempt({ sql: guard(sql as unknown as Sql, tx) });
            } finally {
              tx.open = false; // a handler still running (timed out, aborted) cannot write any more
            }
          }),
        );
        // however the transaction ends (even before the handler's run does: its connection closed),
        // the handler's `ctx.store` takes no more queries
        const settle = () => {
          tx.ended = true;
          tx.open = false;
          ended();
        };
        begun.then(settle, settle);
        return (await boundBy(begun, tx, signal)) as T;
      },
    );
  } finally {
    tx.open = false;
    slots.release();
  }
}

interface TxState {
  /** False once the attempt or its transaction is over: the handler's queries are refused. */
  open: boolean;
  /** `sql.begin` has settled (committed, rolled back, or failed with its connection)… */
  ended: boolean;
  /** …and this resolves then. */
  end: Promise<void>;
}

/** How long a transaction may take to end once its attempt is aborted (timeout, hard stop). */
const END_AFTER_ABORT_MS = 5_000;
/** How long a run that failed on a connection error waits to learn whether that connection closed. */
const CLOSE_AFTER_ERROR_MS = 2_000;

/**
 * Runs the attempt inside `sql.begin`'s callback. When the transaction's connection is lost (the
 * Postgres session terminated), the callback never settles: postgres.js would otherwise send its
 * ROLLBACK or COMMIT to the closed connection, a write that throws outside any promise (see
 * src/store/pg-guard.ts) and leaves that query, and with it the connection, hanging for good.
 * `sql.begin` itself has already rejected (CONNECTION_CLOSED): the attempt fails as a store outage.
 */
async function untilConnectionLost<T>(tx: TxState, run: () => Promise<T>): Promise<T> {
  try {
    const result = await run();
    if (tx.ended) return never();
    return result;
  } catch (err) {
    // a query failed on a connection error (57P01, CONNECTION_CLOSED...): the close itself may come
    // a moment later, so wait briefly for the transaction to end before letting it roll back
    if (!tx.ended && classifyError(err).code === 'DP_ERR_STORE_UNAVAILABLE') await Promise.race([tx.end, sleep(CLOSE_AFTER_ERROR_MS)]);
    if (tx.ended) return never();
    throw err;
  }
}

/**
 * The transaction, bounded by the attempt's abort (stage timeout, hard stop): once aborted, it has
 * END_AFTER_ABORT_MS to end; one that does not (its connection hung) fails the attempt as a store
 * outage, so the slot is released and the message re-runs instead of staying stuck.
 */
function boundBy<T>(begun: Promise<T>, tx: TxState, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return begun;
  return new Promise<T>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      timer = setTimeout(() => {
        tx.open = false;
        reject(
          new InfrastructureError(
            `the attempt's transaction did not end within ${END_AFTER_ABORT_MS}ms of its abort (its Postgres connection is gone)`,
            { code: 'DP_ERR_STORE_UNAVAILABLE', cause: signal.reason },
          ),
        );
      }, END_AFTER_ABORT_MS);
      timer.unref();
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    begun.then(resolve, reject).finally(() => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    });
  });
}

function never<T>(): Promise<T> {
  return new Promise<T>(() => undefined);
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
function guard(tx: Sql, state: TxState): Sql {
  const check = () => {
    if (!state.open) throw new Error(CLOSED);
  };
  // a savepoint's ROLLBACK TO must not go to a lost connection either
  const nested = (fn: (sql: Sql) => unknown) =>
    (tx as unknown as { savepoint: (cb: (inner: Sql) => unknown) => Promise<unknown> }).savepoint((inner) =>
      untilConnectionLost(state, async () => fn(guard(inner, state))),
    );
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
