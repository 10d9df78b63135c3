import type { StageMessage } from '../api/stage.ts';
import { classifyError, DocpipeError } from '../errors.ts';
import { formatAjvErrors } from '../messages/schemas.ts';
import type { Store } from '../store/db.ts';
import { recordHandlerRun } from '../telemetry/spans.ts';
import { signalOf, type HandlerContext } from './handler-context.ts';
import type { InFlight } from './in-flight.ts';
import type { StageRuntime } from './stage-worker.ts';
import { inTransaction } from './transaction.ts';
import type { RunFacts } from './verdict.ts';

/** A handler's output that fails its schema: dead-lettered, and its transaction rolled back. */
class OutputRejected extends Error {}

/**
 * One handler run, as facts for the verdict (and its output when it has one). The handler's writes
 * commit only with a valid output; the transaction ends by the attempt's abort at the latest (see
 * transaction.ts). `hardStopped` tells a run cut short by the worker's hard stop.
 */
export async function runHandler(
  rt: StageRuntime,
  store: Store,
  rec: InFlight,
  msg: StageMessage,
  ctx: HandlerContext,
  outage: number,
  hardStopped: () => boolean,
): Promise<[RunFacts, Record<string, unknown> | undefined]> {
  rec.handlerAt = Date.now();
  try {
    const output =
      rt.handler.transaction !== false && store.transactions !== false
        ? await inTransaction(store, (tx) => attempt(rt, rec, msg, ctx, tx), signalOf(rec), rec.trace?.span)
        : await attempt(rt, rec, msg, ctx, undefined);
    return [hardStopped() ? { result: 'stopped' } : { result: 'output' }, output];
  } catch (err) {
    if (hardStopped()) return [{ result: 'stopped' }, undefined];
    if (err instanceof OutputRejected) return [{ result: 'output-rejected', reason: err.message }, undefined];
    return [{ result: 'error', error: classifyError(err), outage }, undefined];
  } finally {
    rec.fail = undefined;
    rec.handlerAt = 0;
    ctx.txStore = undefined;
  }
}

/**
 * One run of the handler (with `store` as its `ctx.store` when in a transaction): its output, once
 * it is an object that fits the stage's output schema and the next stage's input. Rejects on the
 * handler's error, its abort (timeout or hard stop), or an invalid output (OutputRejected).
 */
async function attempt(
  rt: StageRuntime,
  rec: InFlight,
  msg: StageMessage,
  ctx: HandlerContext,
  store: Store | undefined,
): Promise<Record<string, unknown>> {
  const name = rt.stage.name;
  ctx.txStore = store;
  // the handler's promise, or the abort (timeout or hard stop) if that comes first
  const output = await new Promise<unknown>((resolve, reject) => {
    if (rec.abortReason !== undefined) return reject(rec.abortReason);
    rec.fail = reject;
    const trace = rec.trace;
    const started = trace ? performance.now() : 0;
    const result = rt.handler.run(msg, ctx) as unknown;
    const timed = trace ? () => recordHandlerRun(trace, performance.now() - started) : undefined;
    if (result !== null && typeof result === 'object' && typeof (result as PromiseLike<unknown>).then === 'function')
      (result as PromiseLike<unknown>).then(
        timed ? (v) => (timed(), resolve(v)) : resolve,
        timed ? (e: unknown) => (timed(), reject(e)) : reject,
      );
    else {
      timed?.();
      resolve(result);
    }
  });
  if (!output || typeof output !== 'object' || Array.isArray(output)) {
    throw new DocpipeError(
      'permanent',
      'DP_ERR_MESSAGE_OUTPUT_INVALID',
      `handler of stage "${name}" returned ${JSON.stringify(output)?.slice(0, 100)}, not an object`,
    );
  }
  const out = output as Record<string, unknown>;
  const own = rt.validateOwnOutput;
  if (own && !own(out)) throw new OutputRejected(`output of stage "${name}" fails its output schema: ${formatAjvErrors(own.errors)}`);
  if (rt.validateOutput && !rt.validateOutput(out)) {
    throw new OutputRejected(`output of stage "${name}" fails the next input schema: ${formatAjvErrors(rt.validateOutput.errors)}`);
  }
  return out;
}
