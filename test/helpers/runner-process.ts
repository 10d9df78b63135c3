import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const RUN_BIN = path.join(REPO, 'bin', 'docpipe-run.js');

export interface RunnerProcess {
  proc: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves when a log line contains `text`. */
  waitFor(text: string, timeoutMs?: number): Promise<void>;
}

/** Starts `docpipe-run` as a child process (the real CLI) with extra environment. */
export function startRunner(args: string[], env: Record<string, string>): RunnerProcess {
  const proc = spawn(process.execPath, [RUN_BIN, ...args], {
    cwd: REPO,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const listeners: Array<() => void> = [];
  const onData = (d: Buffer) => {
    out += d.toString();
    for (const l of listeners) l();
  };
  proc.stdout!.on('data', onData);
  proc.stderr!.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    proc,
    output: () => out,
    exited,
    waitFor(text, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (out.includes(text)) {
            clearTimeout(t);
            resolve();
          }
        };
        const t = setTimeout(() => reject(new Error(`timed out waiting for "${text}"; output:\n${out.slice(-3000)}`)), timeoutMs);
        listeners.push(check);
        check();
        void exited.then(() => setTimeout(() => reject(new Error(`runner exited before "${text}"; output:\n${out.slice(-3000)}`)), 50));
      });
    },
  };
}
