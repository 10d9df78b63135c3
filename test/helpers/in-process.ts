import assert from 'node:assert/strict';
import pino from 'pino';
import { loadPipeline } from '../../src/config/load.ts';
import { noStore } from '../../src/store/none.ts';
import { Runner } from '../../src/worker/runner.ts';

export const silentLog = pino({ level: 'silent' });

/** Runs `fn` with environment variables set (undefined removes one), restoring them after. */
export async function withEnv<T>(vars: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  apply(vars);
  try {
    return await fn();
  } finally {
    apply(saved);
  }
}

/** Runs a store-less fixture pipeline in this process until `until` resolves, then stops it. */
export async function runFixturePipeline(
  pipeline: string,
  vars: Record<string, string | undefined>,
  until: (runner: Runner) => Promise<void>,
): Promise<void> {
  await withEnv(vars, async () => {
    const runner = await Runner.create(loadPipeline(pipeline), { log: silentLog, store: noStore() });
    runner.start();
    try {
      await until(runner);
    } finally {
      await runner.stop(2000);
      await runner.close();
    }
  });
}

/** Polls `check` every 50 ms until it holds, failing the test after `tries` polls. */
export async function waitFor(what: string, check: () => Promise<boolean>, tries = 400): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`timed out waiting for ${what}`);
}
