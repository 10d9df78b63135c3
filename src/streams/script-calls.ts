import type { RedisClient } from './redis.ts';

/**
 * One typed call per Lua script (src/streams/lua/*.lua): named fields in, KEYS and ARGV laid out
 * here and only here, in the order each script's header documents; replies decoded through
 * SCRIPT_CODES. Callers (the Broker) never pass positional script arguments.
 */

/** What each script's numeric return code means, in one table (like BullMQ's finished errors). */
export const SCRIPT_CODES = {
  submit: { 1: 'published', 0: 'in-flight' },
  begin: { 1: 'started', 0: 'refused' },
  retry: { 1: 'scheduled', 0: 'stale' },
  deadLetter: { 1: 'failed', 2: 'dead-lettered', 0: 'stale' },
} as const;

type Codes = typeof SCRIPT_CODES;
export type ScriptOutcome<S extends keyof Codes> = Codes[S][keyof Codes[S]];

/** The outcome a script's return code stands for; an unknown code is a bug in the script or here. */
export function scriptOutcome<S extends keyof Codes>(script: S, code: number): ScriptOutcome<S> {
  const outcome = (SCRIPT_CODES[script] as unknown as Record<number, ScriptOutcome<S> | undefined>)[code];
  if (outcome === undefined) throw new Error(`script ${script} returned unknown code ${code}`);
  return outcome;
}

/** The keys and limits every script that records history shares. */
interface DocKeys {
  /** The document's state hash and its history stream. */
  doc: string;
  events: string;
}

interface StatsKeys {
  stats: string;
  statsMinute: string;
}

export interface SubmitCall extends DocKeys {
  stream: string;
  to: string;
  snapshot: string;
  now: number;
  pipelineVersion: string;
  historyMaxlen: number;
  stage: string;
  /** States from which the document may be submitted ("-" = no state yet). */
  allowedFrom: readonly string[];
  /** The stream entry, flat `[k1, v1, …]`. */
  entry: readonly string[];
}

export async function submit(redis: RedisClient, c: SubmitCall): Promise<{ outcome: ScriptOutcome<'submit'>; idOrState: string }> {
  const [code, idOrState] = await redis.dpSubmit(
    c.doc,
    c.events,
    c.stream,
    c.to,
    c.snapshot,
    c.now,
    c.pipelineVersion,
    c.historyMaxlen,
    c.stage,
    c.allowedFrom.join(','),
    ...c.entry,
  );
  return { outcome: scriptOutcome('submit', code), idOrState };
}

export interface BeginCall extends DocKeys {
  /** States from which the stage may start ("-" = no state yet). */
  allowedFrom: readonly string[];
  to: string;
  snapshot: string;
  entryId: string;
  consumer: string;
  now: number;
  attempt: number;
  pipelineVersion: string;
  historyMaxlen: number;
  stage: string;
}

export async function begin(redis: RedisClient, c: BeginCall): Promise<{ outcome: ScriptOutcome<'begin'>; state: string }> {
  const [code, state] = await redis.dpBegin(
    c.doc,
    c.events,
    c.allowedFrom.join(','),
    c.to,
    c.snapshot,
    c.entryId,
    c.consumer,
    c.now,
    c.attempt,
    c.pipelineVersion,
    c.historyMaxlen,
    c.stage,
  );
  return { outcome: scriptOutcome('begin', code), state };
}

/** The states of a batch of documents ("-" for none). */
export function states(redis: RedisClient, docKeys: readonly string[]): Promise<string[]> {
  return redis.dpStates(docKeys.length, docKeys);
}

export interface HandoffCall extends StatsKeys {
  stream: string;
  nextStream: string;
  group: string;
  now: number;
  consumer: string;
  historyMaxlen: number;
  /** 0 keeps the document's keys (only a completed document expires). */
  ttlMs: number;
  /** The states the document may be in (this stage's queued/running/retrying, "-"). */
  allowedFrom: string;
  to: string;
  snapshot: string;
  /** The document's stage after the move (the next stage; this one when the document completes). */
  nextStage: string;
  /** Fold each document's history stream into its hash (a completed document, history packed). */
  foldHistory: boolean;
  /** Each item's state hash and history stream, flat: [doc 1, events 1, doc 2, events 2, …]. */
  docKeys: readonly string[];
  items: ReadonlyArray<{ entryId: string; attempt: number; durationMs: number; next: readonly string[] }>;
}

/** Per item, the next entry id, or "" when the item was stale (its document had moved on). */
export function handoff(redis: RedisClient, c: HandoffCall): Promise<string[]> {
  const keys: string[] = [c.stream, c.nextStream, c.stats, c.statsMinute];
  const args: Array<string | number> = [
    c.group,
    c.now,
    c.consumer,
    c.historyMaxlen,
    c.ttlMs,
    c.allowedFrom,
    c.to,
    c.snapshot,
    c.items.length,
    c.nextStage,
    c.foldHistory ? '1' : '0',
  ];
  for (let i = 0; i < c.items.length; i++) {
    const it = c.items[i]!;
    keys.push(c.docKeys[2 * i]!, c.docKeys[2 * i + 1]!);
    // [msg id, attempt, duration, k1, v1, …] as one JSON argument (see handoff.lua); ids and
    // numbers need no escaping
    const fields = it.next.length ? `,${JSON.stringify(it.next).slice(1)}` : ']';
    args.push(`["${it.entryId}","${it.attempt}","${Math.max(0, Math.round(it.durationMs))}"${fields}`);
  }
  // ioredis flattens one level of array arguments: no spreading of long argument lists
  return redis.dpHandoff(keys.length, keys, args);
}

export interface RetryCall extends DocKeys, StatsKeys {
  stream: string;
  retryZset: string;
  group: string;
  entryId: string;
  /** The states the document may be in (comma separated). */
  allowedFrom: string;
  to: string;
  snapshot: string;
  now: number;
  consumer: string;
  historyMaxlen: number;
  dueAt: number;
  /** "<failed entry id>|<json array of the next entry's field/value pairs>" (see promote.lua). */
  member: string;
  error: string;
  attempt: number;
}

export async function retry(redis: RedisClient, c: RetryCall): Promise<ScriptOutcome<'retry'>> {
  const code = await redis.dpRetry(
    c.doc,
    c.events,
    c.stream,
    c.retryZset,
    c.stats,
    c.statsMinute,
    c.group,
    c.entryId,
    c.allowedFrom,
    c.to,
    c.snapshot,
    c.now,
    c.consumer,
    c.historyMaxlen,
    c.dueAt,
    c.member,
    c.error,
    c.attempt,
  );
  return scriptOutcome('retry', code);
}

export interface DeadLetterCall extends DocKeys, StatsKeys {
  stream: string;
  dlq: string;
  group: string;
  entryId: string;
  /** States from which the document may fail ("none" when it has no document). */
  allowedFrom: string;
  /** A handler failure: the entry is stale unless the document is still at this stage. */
  ownerCheck: boolean;
  failedSnapshot: string;
  now: number;
  consumer: string;
  historyMaxlen: number;
  ttlMs: number;
  error: string;
  attempt: number;
  /** The DLQ entry, flat `[k1, v1, …]`. */
  entry: readonly string[];
}

export async function deadLetter(redis: RedisClient, c: DeadLetterCall): Promise<ScriptOutcome<'deadLetter'>> {
  const [code] = await redis.dpDeadLetter(
    c.doc,
    c.events,
    c.stream,
    c.dlq,
    c.stats,
    c.statsMinute,
    c.group,
    c.entryId,
    c.allowedFrom,
    c.ownerCheck ? '1' : '0',
    c.failedSnapshot,
    c.now,
    c.consumer,
    c.historyMaxlen,
    c.ttlMs,
    c.error,
    c.attempt,
    ...c.entry,
  );
  return scriptOutcome('deadLetter', code);
}

export function promote(redis: RedisClient, c: { retryZset: string; stream: string; now: number; limit: number }): Promise<number> {
  return redis.dpPromote(c.retryZset, c.stream, c.now, c.limit);
}

export interface RedriveCall extends DocKeys {
  dlq: string;
  stream: string;
  dlqEntryId: string;
  /** "<stage>.queued" */
  to: string;
  snapshot: string;
  now: number;
  historyMaxlen: number;
  stage: string;
  /** The new stage entry, flat `[k1, v1, …]`. */
  entry: readonly string[];
}

/** The new entry id, or undefined when the DLQ entry no longer exists (nothing done). */
export async function redrive(redis: RedisClient, c: RedriveCall): Promise<string | undefined> {
  const id = await redis.dpRedrive(
    c.dlq,
    c.stream,
    c.doc,
    c.events,
    c.dlqEntryId,
    c.to,
    c.snapshot,
    c.now,
    c.historyMaxlen,
    c.stage,
    ...c.entry,
  );
  return id ?? undefined;
}
