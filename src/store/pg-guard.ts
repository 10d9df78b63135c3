import type { Logger } from 'pino';

/**
 * postgres.js (3.4) batches small writes into a `setImmediate`; when the server ends the connection
 * in between (a terminated session, a Postgres restart), that deferred write reads the socket the
 * close handler already set to null and throws outside any promise. The close handler has failed
 * the connection's queries by then (CONNECTION_CLOSED: retried as an outage), so nothing is lost by
 * ignoring the throw — but as an uncaught exception it would end the whole runner. Seen with
 * per-attempt transactions under the chaos test's session terminations.
 */
export function isClosedSocketWrite(err: unknown): boolean {
  return err instanceof TypeError && /reading 'write'/.test(err.message) && /postgres[\\/]src[\\/]connection\.js/.test(err.stack ?? '');
}

let installed = false;

/** Ignores (and logs) that one throw; any other uncaught exception still ends the process with exit 1. */
export function installPostgresWriteGuard(log: Logger): void {
  if (installed) return;
  installed = true;
  process.on('uncaughtException', (err) => {
    if (isClosedSocketWrite(err)) {
      log.warn({ err: err.message }, 'postgres: a write to a connection the server closed was dropped (its queries already failed)');
      return;
    }
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
