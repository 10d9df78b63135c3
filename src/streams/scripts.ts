import { readFileSync } from 'node:fs';
import type { Redis, Cluster, Result } from 'ioredis';

/**
 * Every multi-key state change lives in one Lua script (src/streams/lua/*.lua, each documents its
 * KEYS, ARGV and return value). This module loads them onto a connection as commands; they are
 * called only through the typed wrappers of script-calls.ts.
 */
const SCRIPTS = {
  dpSubmit: { file: 'submit.lua', keys: 3 },
  dpBegin: { file: 'begin.lua', keys: 2 },
  dpHandoff: { file: 'handoff.lua', keys: -1 },
  dpStates: { file: 'states.lua', keys: -1 },
  dpRetry: { file: 'retry.lua', keys: 6 },
  dpDeadLetter: { file: 'deadletter.lua', keys: 6 },
  dpPromote: { file: 'promote.lua', keys: 2 },
  dpRedrive: { file: 'redrive.lua', keys: 4 },
} as const;

type ScriptName = keyof typeof SCRIPTS;
type Arg = string | number | ReadonlyArray<string | number>;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    dpSubmit(...args: Arg[]): Result<[number, string], Context>;
    dpBegin(...args: Arg[]): Result<[number, string], Context>;
    dpHandoff(...args: Arg[]): Result<string[], Context>;
    dpStates(...args: Arg[]): Result<string[], Context>;
    dpRetry(...args: Arg[]): Result<number, Context>;
    dpDeadLetter(...args: Arg[]): Result<[number, string], Context>;
    dpPromote(...args: Arg[]): Result<number, Context>;
    dpRedrive(...args: Arg[]): Result<string | null, Context>;
  }
}

const dir = new URL('./lua/', import.meta.url);
const common = readFileSync(new URL('_common.lua', dir), 'utf8');
const sources = Object.fromEntries(
  Object.entries(SCRIPTS).map(([name, s]) => [name, common + '\n' + readFileSync(new URL(s.file, dir), 'utf8')]),
) as Record<ScriptName, string>;

const defined = new WeakSet<Redis | Cluster>();

/** Loads the scripts onto a connection (once per connection: a second call does nothing). */
export function defineScripts(client: Redis | Cluster): void {
  if (defined.has(client)) return;
  defined.add(client);
  for (const [name, s] of Object.entries(SCRIPTS) as Array<[ScriptName, (typeof SCRIPTS)[ScriptName]]>) {
    // keys: -1 means the caller passes the key count first (scripts over a batch of documents)
    client.defineCommand(name, s.keys >= 0 ? { numberOfKeys: s.keys, lua: sources[name] } : { lua: sources[name] });
  }
}
