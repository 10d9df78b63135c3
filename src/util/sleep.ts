/**
 * Waits `ms` milliseconds. With a signal, it wakes early when the signal aborts (or at once when it
 * already has): it never rejects. A caller that must stop on abort checks the signal after it wakes
 * (`await sleep(ms, signal); signal?.throwIfAborted();`); a loop that winds down on abort just
 * re-checks its condition.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
