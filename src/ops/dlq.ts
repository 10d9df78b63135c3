import type { StageConfig } from '../config/types.ts';
import { DocpipeError } from '../errors.ts';
import { fieldsFromArray, type Fields } from '../messages/codec.ts';
import { Broker } from '../streams/broker.ts';
import type { OpsContext } from './connect.ts';
import { UUID_PATTERN as UUID } from '../util/uuid.ts';

/** Fields the dead-letter step adds to an entry; a redriven entry goes back without them. */
export const DLQ_FIELDS = [
  'error',
  'error_kind',
  'error_code',
  'original_msg_id',
  'original_stream',
  'failed_at_attempt',
  'failed_at',
  'consumer',
] as const;

export interface DeadLetterSummary {
  stage: string;
  id: string;
  document_uuid: string | null;
  error: string;
  error_kind: string;
  error_code: string;
  failed_at: number | null;
  age_ms: number | null;
  failed_at_attempt: number | null;
  original_msg_id: string | null;
}

export interface DeadLetterEntry {
  stage: string;
  stream: string;
  id: string;
  fields: Fields;
}

/** Which entries an action touches: some ids, or everything (of one stage, or of all). */
export interface Selection {
  stage?: string;
  ids?: readonly string[];
  all?: boolean;
}

export interface ActionResult {
  /** Entries acted on: stage, DLQ entry id, document, and the new stream entry id for a redrive. */
  done: Array<{ stage: string; id: string; document_uuid: string | null; new_id?: string; state_before?: string | null }>;
  /** Entries left alone, with the reason. */
  skipped: Array<{ stage: string; id: string; reason: string }>;
  /** Requested ids that are in no dead-letter stream (of the selected stage). */
  missing: string[];
}

export function summarize(entry: DeadLetterEntry, now: number): DeadLetterSummary {
  const f = entry.fields;
  const failedAt = Number(f['failed_at']);
  const attempt = Number(f['failed_at_attempt']);
  return {
    stage: entry.stage,
    id: entry.id,
    document_uuid: f['document_uuid'] ?? null,
    error: f['error'] ?? '',
    error_kind: f['error_kind'] ?? '',
    error_code: f['error_code'] ?? '',
    failed_at: Number.isFinite(failedAt) && failedAt > 0 ? failedAt : null,
    age_ms: Number.isFinite(failedAt) && failedAt > 0 ? Math.max(0, now - failedAt) : null,
    failed_at_attempt: Number.isFinite(attempt) && attempt > 0 ? attempt : null,
    original_msg_id: f['original_msg_id'] ?? null,
  };
}

/** The entry a redrive publishes: the original message with attempts reset and the DLQ fields removed. */
export function redriveFields(fields: Fields, now: number): Fields {
  const out: Fields = { ...fields };
  for (const f of DLQ_FIELDS) delete out[f];
  out['attempt_count'] = '1';
  out['enqueued_at'] = String(now);
  return out;
}

export function selectedStages(ctx: OpsContext, stage: string | undefined): StageConfig[] {
  if (!stage) return ctx.config.stages;
  const s = ctx.config.stages.find((x) => x.name === stage);
  if (!s)
    throw new DocpipeError(
      'config',
      'DP_ERR_CONFIG_INVALID',
      `unknown stage "${stage}" (stages: ${ctx.config.stages.map((x) => x.name).join(', ')})`,
    );
  return [s];
}

/** Dead letters of the selected stages, oldest first, at most `limit` per stage. */
export async function listDeadLetters(
  ctx: OpsContext,
  options: { stage?: string; limit?: number; now?: number } = {},
): Promise<{ entries: DeadLetterSummary[]; sizes: Record<string, number> }> {
  const now = options.now ?? Date.now();
  const entries: DeadLetterSummary[] = [];
  const sizes: Record<string, number> = {};
  for (const s of selectedStages(ctx, options.stage)) {
    sizes[s.name] = await ctx.redis.xlen(s.dlq);
    const raw = await ctx.redis.xrange(s.dlq, '-', '+', 'COUNT', options.limit ?? 100);
    for (const [id, list] of raw) entries.push(summarize({ stage: s.name, stream: s.dlq, id, fields: fieldsFromArray(list) }, now));
  }
  return { entries, sizes };
}

export async function findDeadLetter(ctx: OpsContext, id: string, stage?: string): Promise<DeadLetterEntry | undefined> {
  for (const s of selectedStages(ctx, stage)) {
    const [hit] = await ctx.redis.xrange(s.dlq, id, id);
    if (hit) return { stage: s.name, stream: s.dlq, id: hit[0], fields: fieldsFromArray(hit[1]) };
  }
  return undefined;
}

const brokers = new WeakMap<OpsContext, Broker>();

/** The pipeline's Redis operations on the operator's connection (state changes go through its scripts). */
function brokerOf(ctx: OpsContext): Broker {
  let broker = brokers.get(ctx);
  if (!broker) brokers.set(ctx, (broker = new Broker(ctx.redis, ctx.config, ctx.machine)));
  return broker;
}

/** Refuses an action that names nothing: an id list or `--all` is required. */
export function assertSelection(sel: Selection): void {
  if (!sel.all && !(sel.ids && sel.ids.length)) {
    throw new DocpipeError(
      'config',
      'DP_ERR_CONFIG_INVALID',
      `name the entries with --id <id,...>, or pass --all (with --stage to limit it to one stage)`,
    );
  }
}

/** Calls `fn` on every selected entry (by id, or all of them in batches). */
async function eachSelected(ctx: OpsContext, sel: Selection, fn: (e: DeadLetterEntry, s: StageConfig) => Promise<void>): Promise<string[]> {
  const missing: string[] = [];
  if (!sel.all) {
    for (const id of sel.ids ?? []) {
      const e = await findDeadLetter(ctx, id, sel.stage);
      if (!e) missing.push(id);
      else
        await fn(
          e,
          ctx.config.stages.find((s) => s.name === e.stage)!,
        );
    }
    return missing;
  }
  for (const s of selectedStages(ctx, sel.stage)) {
    let start = '-';
    for (;;) {
      const batch = await ctx.redis.xrange(s.dlq, start, '+', 'COUNT', 100);
      if (batch.length === 0) break;
      for (const [id, list] of batch) await fn({ stage: s.name, stream: s.dlq, id, fields: fieldsFromArray(list) }, s);
      start = `(${batch[batch.length - 1]![0]}`;
    }
  }
  return missing;
}

/**
 * Puts dead letters back at their stage (Broker.redrive, one script: XDEL from the DLQ, XADD to the stage
 * stream with attempts reset, and the document back to `<stage>.queued` with a REDRIVE history
 * event when it is `failed`). Entries without a valid document_uuid are skipped: they would fail
 * their input check again; fix and re-produce them instead.
 */
export async function redrive(ctx: OpsContext, sel: Selection, now = Date.now()): Promise<ActionResult> {
  assertSelection(sel);
  const result: ActionResult = { done: [], skipped: [], missing: [] };
  result.missing = await eachSelected(ctx, sel, async (e, s) => {
    const uuid = e.fields['document_uuid'];
    if (!uuid || !UUID.test(uuid)) {
      result.skipped.push({
        stage: e.stage,
        id: e.id,
        reason: 'no valid document_uuid: the entry would fail its input check again (fix it and produce it again, or purge it)',
      });
      return;
    }
    const doc = uuid.toLowerCase();
    const before = await ctx.redis.hget(ctx.keys.doc(doc), 'state');
    const id = await brokerOf(ctx).redrive(s, e.id, doc, redriveFields(e.fields, now), now);
    if (id) result.done.push({ stage: e.stage, id: e.id, document_uuid: doc, new_id: id, state_before: before });
    else result.skipped.push({ stage: e.stage, id: e.id, reason: 'gone meanwhile (redriven or purged by someone else)' });
  });
  return result;
}

/** Deletes dead letters (XDEL). */
export async function purge(ctx: OpsContext, sel: Selection): Promise<ActionResult> {
  assertSelection(sel);
  const result: ActionResult = { done: [], skipped: [], missing: [] };
  result.missing = await eachSelected(ctx, sel, async (e) => {
    const n = await ctx.redis.xdel(e.stream, e.id);
    if (n === 1) result.done.push({ stage: e.stage, id: e.id, document_uuid: e.fields['document_uuid'] ?? null });
    else result.skipped.push({ stage: e.stage, id: e.id, reason: 'gone meanwhile' });
  });
  return result;
}
