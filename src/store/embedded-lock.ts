import { randomBytes } from 'node:crypto';
import { open, readFile, stat, unlink } from 'node:fs/promises';
import { InfrastructureError } from '../errors.ts';
import type { Logger } from '../log/logger.ts';

/**
 * The embedded server's lock file (see embedded.ts): created with O_EXCL around init / start /
 * attach / stop; a lock whose owner pid is dead, or older than LOCK_STALE_MS, is stale and taken over.
 */
const LOCK_STALE_MS = 120_000;
const LOCK_WAIT_MS = 180_000;

/** Creates `lock` with O_EXCL, waiting while a live process holds it; takes over stale locks. */
export async function acquireLock(lock: string, log: Logger, waitMs = LOCK_WAIT_MS): Promise<() => Promise<void>> {
  const token = `${process.pid} ${Date.now()} ${randomBytes(4).toString('hex')}`;
  const deadline = Date.now() + waitMs;
  let logged = false;
  for (;;) {
    try {
      const fh = await open(lock, 'wx', 0o644);
      await fh.writeFile(token);
      await fh.close();
      return async () => {
        // Remove only our own lock (a stale-lock takeover may have replaced it).
        if ((await readFile(lock, 'utf8').catch(() => '')) === token) await unlink(lock).catch(() => {});
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const held = await readFile(lock, 'utf8').catch(() => '');
    const [pidText, atText] = held.split(' ');
    const ownerAlive = pidText ? isAlive(Number(pidText)) : false;
    const age = Date.now() - Number(atText ?? 0);
    const mtimeAge = await stat(lock).then(
      (s) => Date.now() - s.mtimeMs,
      () => 0,
    );
    if (held && (!ownerAlive || age > LOCK_STALE_MS)) {
      // Re-read just before removing: only remove the exact stale content we judged.
      if ((await readFile(lock, 'utf8').catch(() => '')) === held) {
        log.warn({ lock, owner: pidText }, 'embedded postgres: removing a stale lock');
        await unlink(lock).catch(() => {});
      }
      continue;
    }
    if (!held && mtimeAge > 5_000) await unlink(lock).catch(() => {}); // an empty lock left by a crash mid-write
    if (Date.now() > deadline)
      throw new InfrastructureError(`timed out waiting for ${lock} (held by pid ${pidText ?? '?'})`, { code: 'DP_ERR_STORE_UNAVAILABLE' });
    if (!logged) {
      log.info({ lock, owner: pidText }, 'embedded postgres: waiting for another docpipe process to start the server');
      logged = true;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
