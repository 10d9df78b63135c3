import type { Logger } from 'pino';
import type { PipelineConfig } from '../config/types.ts';
import { fieldsFromArray } from '../messages/codec.ts';
import type { Broker } from '../streams/broker.ts';
import { OUTCOME_GROUP } from '../streams/keys.ts';
import type { RedisClient } from '../streams/redis.ts';
import { isNoGroupError } from '../streams/redis.ts';
import type { Sql } from '../store/db.ts';
import { markOutcome } from '../store/intake.ts';
import { sleep } from '../util/sleep.ts';
import { outageDelay } from './backoff.ts';

/** How often the completed stream is trimmed to its retention window. */
const COMPLETED_TRIM_EVERY_MS = 5_000;

/**
 * Writes each document's terminal outcome back to Postgres (queue row and source_documents): a
 * consumer group on the completed stream and on every dead-letter stream.
 */
export class OutcomeWriter {
  private readonly stop$ = new AbortController();
  private loop: Promise<void> | undefined;
  private readonly streams: Array<{ stream: string; status: 'completed' | 'failed' }>;
  written = 0;

  constructor(
    private readonly deps: { sql: Sql; broker: Broker; redis: RedisClient; config: PipelineConfig; log: Logger; consumer: string },
  ) {
    const c = deps.config;
    this.streams = [
      { stream: c.completed.stream, status: 'completed' },
      ...c.stages.map((s) => ({ stream: s.dlq, status: 'failed' as const })),
    ];
  }

  async start(): Promise<void> {
    for (const s of this.streams) await this.deps.broker.ensureGroup(s.stream, OUTCOME_GROUP);
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stop$.abort();
    await this.loop;
    // a last trim to the retention window, and this consumer leaves its groups when it owns
    // nothing (skipped when Redis does not answer soon)
    const { broker, consumer } = this.deps;
    const last = async () => {
      await broker.trimCompleted().catch(() => 0);
      for (const s of this.streams) await broker.leaveGroup(s.stream, OUTCOME_GROUP, consumer).catch(() => false);
    };
    await Promise.race([last(), sleep(2_000)]);
  }

  async isIdle(): Promise<boolean> {
    for (const s of this.streams) {
      const { lag, pending } = await this.deps.broker.backlog(s.stream, OUTCOME_GROUP);
      if (lag > 0 || pending > 0) return false;
    }
    return true;
  }

  private async run(): Promise<void> {
    const { redis, sql, log, consumer, broker } = this.deps;
    let failures = 0;
    let cursor = '0'; // own backlog first, then new entries
    let trimmedAt = 0;
    while (!this.stop$.signal.aborted) {
      try {
        let any = false;
        for (const s of this.streams) {
          const reply = (await redis.xreadgroup(
            'GROUP',
            OUTCOME_GROUP,
            consumer,
            'COUNT',
            100,
            'STREAMS',
            s.stream,
            cursor === '0' ? '0' : '>',
          )) as Array<[string, Array<[string, string[] | null]>]> | null;
          const entries = reply?.[0]?.[1] ?? [];
          for (const [id, list] of entries) {
            any = true;
            if (list) {
              const f = fieldsFromArray(list);
              const uuid = f['document_uuid'];
              if (uuid)
                await markOutcome(sql, {
                  documentUuid: uuid,
                  status: s.status,
                  error: s.status === 'failed' ? `${f['error_code'] ?? ''} ${f['error'] ?? ''}`.trim() : undefined,
                });
              this.written++;
            }
            await redis.xack(s.stream, OUTCOME_GROUP, id);
          }
        }
        // the completed stream keeps acknowledged entries for its retention window (trimmed here,
        // also while idle: entries age out); dead letters stay until redrive or purge
        if (Date.now() - trimmedAt >= COMPLETED_TRIM_EVERY_MS) {
          trimmedAt = Date.now();
          await broker.trimCompleted().catch(() => 0);
        }
        cursor = '>';
        failures = 0;
        if (!any) await sleep(200, this.stop$.signal);
      } catch (err) {
        if (isNoGroupError(err)) {
          for (const s of this.streams) await broker.ensureGroup(s.stream, OUTCOME_GROUP).catch(() => undefined);
          continue;
        }
        failures++;
        log.warn({ err: (err as Error).message }, 'writing outcomes failed; backing off');
        await sleep(outageDelay(failures), this.stop$.signal);
      }
    }
  }
}
