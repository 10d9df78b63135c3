import type { Logger } from 'pino';
import type { PipelineConfig } from '../config/types.ts';
import { encodePayload, withEnvelope } from '../messages/codec.ts';
import { submitTraceparent } from '../telemetry/spans.ts';
import type { Broker } from '../streams/broker.ts';
import type { Sql } from '../store/db.ts';
import { claimQueueRows, markOutcome, reclaimStuckRows, toOcrMessage, type OcrMessage } from '../store/intake.ts';
import { sleep } from '../util/sleep.ts';
import { outageDelay } from './backoff.ts';

/** The first stage's entry for a document: the seed's flat fields plus the runtime's envelope. */
export function firstStageFields(msg: OcrMessage | Record<string, unknown>, pipelineVersion: string): Record<string, string> {
  const fields = encodePayload(msg as Record<string, unknown>);
  const trace = submitTraceparent({
    documentUuid: fields['document_uuid'],
    fileName: fields['file_name'] ?? fields['file_path']?.split('/').pop(),
  });
  return withEnvelope(fields, { attempt: 1, trace, pipelineVersion, now: Date.now() });
}

/**
 * Queue intake: claims `pending` rows of document_processing_queue (FOR UPDATE SKIP LOCKED, so
 * several intake processes never take the same row), hands each document to the first stage, and
 * re-drives rows stuck in `processing`. Pauses while the first stream's backlog is over its limit.
 */
export class QueueIntake {
  private readonly stop$ = new AbortController();
  private loop: Promise<void> | undefined;
  private paused = false;
  /** True between claiming rows and publishing them (they are in neither the queue nor a stream). */
  private busy = false;
  claimed = 0;

  constructor(private readonly deps: { sql: Sql; broker: Broker; config: PipelineConfig; log: Logger; processorId: string }) {}

  start(): void {
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stop$.abort();
    await this.loop;
  }

  /** True when the queue has no pending row (used by --until-idle). */
  async isIdle(): Promise<boolean> {
    if (this.busy) return false;
    const [row] = await this.deps.sql<{ n: string }[]>`SELECT count(*) AS n FROM document_processing_queue WHERE status = 'pending'`;
    return Number(row?.n ?? 0) === 0;
  }

  private async run(): Promise<void> {
    const { sql, broker, config, log, processorId } = this.deps;
    const intake = config.intake!;
    const first = config.stages[0]!;
    let failures = 0;
    let lastStuckCheck = 0;
    while (!this.stop$.signal.aborted) {
      try {
        const { lag } = await broker.backlog(first.stream, first.group);
        if (lag > intake.maxBacklog) {
          if (!this.paused) log.info({ backlog: lag, max_backlog: intake.maxBacklog }, 'intake paused: first stage backlog over its limit');
          this.paused = true;
          await sleep(intake.pollMs, this.stop$.signal);
          continue;
        }
        if (this.paused) log.info({ backlog: lag }, 'intake resumed');
        this.paused = false;
        if (Date.now() - lastStuckCheck > Math.min(intake.stuckAfterMs, 60_000)) {
          lastStuckCheck = Date.now();
          const stuck = await reclaimStuckRows(sql, { olderThanMs: intake.stuckAfterMs });
          if (stuck.length) log.warn({ rows: stuck.map((r) => r.queueId) }, 'queue rows stuck in processing re-driven');
        }
        this.busy = true;
        const rows = await claimQueueRows(sql, { limit: Math.min(intake.batch, intake.maxBacklog - lag + 1), processorId });
        failures = 0;
        for (const row of rows) {
          const { published, id } = await broker.submit(row.documentUuid, firstStageFields(toOcrMessage(row), config.pipelineVersion));
          this.claimed++;
          if (published)
            log.info({ document_uuid: row.documentUuid, queue_id: row.queueId, msg_id: id }, 'queued document handed to the pipeline');
          else if (id === 'completed' || id === 'failed')
            await markOutcome(sql, { documentUuid: row.documentUuid, status: id, error: 'already processed' });
          else log.warn({ document_uuid: row.documentUuid, state: id }, 'queued document is already in flight; not published twice');
        }
        this.busy = false;
        if (rows.length === 0) await sleep(intake.pollMs, this.stop$.signal);
      } catch (err) {
        this.busy = false;
        failures++;
        log.warn({ err: (err as Error).message }, 'intake failed; backing off');
        await sleep(outageDelay(failures), this.stop$.signal);
      }
    }
  }
}
