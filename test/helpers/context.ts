import { Writable } from 'node:stream';
import pino from 'pino';
import type { StageContext, StageMessage } from '../../src/api/stage.ts';
import type { Providers } from '../../src/providers/types.ts';
import type { Sql } from '../../src/store/db.ts';

/** A handler context for stage tests: a real store, real providers, a silent logger. */
export function fakeContext(options: { sql: Sql; providers: Providers; msg: StageMessage; stage?: string; attempt?: number; options?: Record<string, unknown>; signal?: AbortSignal }): StageContext & { heartbeats: number } {
  const log = pino({ level: 'silent' }, new Writable({ write: (_c, _e, cb) => cb() }));
  const ctx = {
    stage: options.stage ?? 'test',
    documentUuid: options.msg.document_uuid,
    messageId: '0-1',
    attempt: options.attempt ?? 1,
    maxAttempts: 3,
    signal: options.signal ?? new AbortController().signal,
    log,
    store: { sql: options.sql },
    providers: options.providers,
    llm: options.providers.llm,
    options: options.options ?? {},
    heartbeats: 0,
    async heartbeat() {
      ctx.heartbeats++;
    },
  };
  return ctx;
}
