/**
 * `docpipe/testing`: test a stage the way docpipe tests its own. `createTestContext` gives a handler
 * context with the stage's options, a store (a fresh Postgres schema from `createTestStore`, or
 * none), providers and a logger that records; call the stage's `run(msg, ctx)` and inspect what it
 * returned, what it wrote, `ctx.heartbeats` and `ctx.logs`. Nothing here touches Redis.
 */
import path from 'node:path';
import type { StageContext, StageMessage } from '../api/stage.ts';
import { loadPipelineText } from '../config/load.ts';
import { createLogger } from '../log/logger.ts';
import { createProviders } from '../providers/index.ts';
import type { Providers } from '../providers/types.ts';
import type { Store } from '../store/db.ts';
import { noStore } from '../store/none.ts';

export { createTestStore, type TestStore } from './store.ts';

export interface TestContextOptions {
  /** The message the handler runs on; its `document_uuid` is `ctx.documentUuid`. */
  msg: StageMessage;
  /** Default: no store (`store.url: none`), where any use of `ctx.store.sql` throws; a real one: `createTestStore(url)` or `{ sql }`. */
  store?: Store;
  /** Default: `localProviders()`. */
  providers?: Providers;
  /** Default `test`. */
  stage?: string;
  /** The stage's `options:` (default `{}`); not checked against the stage's options schema. */
  options?: Record<string, unknown>;
  /** 1-based (default 1), of `maxAttempts` (default 3). */
  attempt?: number;
  maxAttempts?: number;
  /** Default: a signal that never aborts. */
  signal?: AbortSignal;
}

/** One log line of the handler: pino's JSON record (`level` 20 debug … 50 error, `msg`, bindings, fields). */
export type LogRecord = Record<string, unknown> & { level: number; msg?: string };

export interface TestContext extends StageContext {
  /** How many times the handler called `ctx.heartbeat()`. */
  readonly heartbeats: number;
  /** What the handler logged at debug level and above, oldest first (redacted as in production). */
  readonly logs: LogRecord[];
}

/** A handler context for a test: see `TestContextOptions` for the defaults. */
export function createTestContext(options: TestContextOptions): TestContext {
  const logs: LogRecord[] = [];
  const stage = options.stage ?? 'test';
  const attempt = options.attempt ?? 1;
  const messageId = '0-1';
  const root = createLogger({ level: 'debug', destination: { write: (line: string) => void logs.push(JSON.parse(line) as LogRecord) } });
  const providers = options.providers ?? localProviders();
  const ctx = {
    stage,
    documentUuid: options.msg.document_uuid,
    messageId,
    attempt,
    maxAttempts: options.maxAttempts ?? 3,
    signal: options.signal ?? new AbortController().signal,
    log: root.child({ stage, msg_id: messageId, document_uuid: options.msg.document_uuid, attempt }),
    store: options.store ?? noStore(),
    providers,
    llm: providers.llm,
    options: options.options ?? {},
    heartbeats: 0,
    logs,
    async heartbeat() {
      ctx.heartbeats++;
    },
  };
  return ctx;
}

/**
 * The providers of a pipeline without a `providers:` section: local OCR, no LLM (`ctx.llm` is
 * undefined), no transcriber; files are read from under the current directory and `allowedRoots`.
 */
export function localProviders(options: { allowedRoots?: readonly string[] } = {}): Providers {
  const loaded = loadPipelineText(
    path.join(process.cwd(), 'pipeline.yaml'),
    'version: 1\nname: test\nstages: [{ name: test, handler: ./test.ts, input: ./test.json }]\n',
    {},
  );
  if (!loaded.config) throw new Error(`docpipe/testing: default providers: ${loaded.problems.map((p) => p.message).join('; ')}`);
  return createProviders(loaded.config, { extraRoots: options.allowedRoots });
}
