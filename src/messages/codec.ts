import { randomBytes } from 'node:crypto';
import type { JsonSchema } from './schemas.ts';

/**
 * Stream entries are flat string fields (the seed's convention): nested objects and lists are
 * JSON-encoded strings, numbers are decimal strings. A Python `produce_to_stream` can feed any
 * stage and read the completed stream.
 */
export type Fields = Record<string, string>;

/** Envelope fields the runtime owns; handlers never see or set them. */
export const ENVELOPE_FIELDS = ['attempt_count', 'trace', 'pipeline_version', 'enqueued_at'] as const;
export type EnvelopeField = (typeof ENVELOPE_FIELDS)[number];

export interface Envelope {
  attempt: number;
  trace: string | undefined;
  pipelineVersion: string | undefined;
  enqueuedAt: number | undefined;
}

/** ioredis' array-shaped entry (`[k1, v1, k2, v2, …]`) to a field map. */
export function fieldsFromArray(list: readonly string[]): Fields {
  const fields: Fields = {};
  for (let i = 0; i + 1 < list.length; i += 2) fields[list[i]!] = list[i + 1]!;
  return fields;
}

export function fieldsToArray(fields: Fields): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(fields)) out.push(k, v);
  return out;
}

export function entryBytes(list: readonly string[]): number {
  let n = 0;
  for (const s of list) n += Buffer.byteLength(s);
  return n;
}

/** Splits a decoded entry into the runtime's envelope and the stage payload (still strings). */
export function splitEnvelope(fields: Fields): { envelope: Envelope; payload: Fields; problems: string[] } {
  const payload: Fields = { ...fields };
  const problems: string[] = [];
  for (const f of ENVELOPE_FIELDS) delete payload[f];
  let attempt = 1;
  const raw = fields['attempt_count'];
  if (raw !== undefined) {
    attempt = Number(raw);
    if (!Number.isInteger(attempt) || attempt < 1) {
      problems.push(`attempt_count must be a positive integer, got "${raw}"`);
      attempt = 1;
    }
  }
  const enq = fields['enqueued_at'] !== undefined ? Number(fields['enqueued_at']) : undefined;
  return {
    envelope: { attempt, trace: fields['trace'], pipelineVersion: fields['pipeline_version'], enqueuedAt: Number.isFinite(enq) ? enq : undefined },
    payload,
    problems,
  };
}

/**
 * Decodes payload strings using the schema: fields declared as object/array are JSON-parsed;
 * numbers and booleans are left to ajv's coercion; undeclared fields that look like JSON objects or
 * lists are parsed (the seed's heuristic). A string that fails to parse stays a string, and the
 * schema then rejects it with a clear reason.
 */
export function decodePayload(payload: Fields, schema: JsonSchema): Record<string, unknown> {
  const props = (schema['properties'] ?? {}) as Record<string, { type?: string | string[] }>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(payload)) {
    const prop = props[k];
    const types = prop?.type === undefined ? [] : Array.isArray(prop.type) ? prop.type : [prop.type];
    const wantsJson = types.includes('object') || types.includes('array') || (!prop && /^\s*[[{]/.test(v));
    if (wantsJson) {
      try {
        out[k] = JSON.parse(v);
        continue;
      } catch {
        // left as a string: validation reports it
      }
    }
    if (v === '' && types.includes('null')) {
      out[k] = null;
      continue;
    }
    out[k] = isNumericOnly(types) && v !== '' ? strictNumber(v, !types.includes('number')) : v;
  }
  return out;
}

const DECIMAL = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

function isNumericOnly(types: readonly string[]): boolean {
  return types.length > 0 && types.every((t) => t === 'integer' || t === 'number' || t === 'null') && types.some((t) => t !== 'null');
}

/**
 * A flat numeric field is left to ajv's coercion only when it is a finite decimal (for an integer
 * field, a safe integer). Anything else ("1e400", "0x10", "Infinity", "9007199254740993", which
 * ajv would coerce to Infinity, 16 or a neighbouring integer) becomes a marked string that ajv
 * cannot coerce, so the schema rejects it instead of the stage reading a different value.
 */
function strictNumber(v: string, integer: boolean): string {
  const n = Number(v);
  const ok = DECIMAL.test(v) && Number.isFinite(n) && (!integer || Number.isSafeInteger(n));
  return ok ? v : `not a ${integer ? 'safe integer' : 'finite number'}: ${v.slice(0, 64)}`;
}

/** Encodes a handler's output into flat fields. null/undefined are omitted. */
export function encodePayload(value: Record<string, unknown>): Fields {
  const out: Fields = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined || v === null) continue;
    if ((ENVELOPE_FIELDS as readonly string[]).includes(k)) continue;
    out[k] = typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
  return out;
}

/** W3C traceparent: a new trace, or the same trace with a new span for the next hop. */
export function nextTraceparent(parent: string | undefined): string {
  const m = parent ? TRACEPARENT.exec(parent) : null;
  const traceId = m?.[1] ?? randomHex(16);
  return `00-${traceId}-${randomHex(8)}-${m?.[3] ?? '01'}`;
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
// ids come from a pooled random buffer: one system call per 256 span ids, not one each
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let poolAt = POOL_BYTES;
function randomHex(bytes: number): string {
  if (poolAt + bytes > pool.length) {
    pool = randomBytes(POOL_BYTES);
    poolAt = 0;
  }
  const hex = pool.toString('hex', poolAt, poolAt + bytes);
  poolAt += bytes;
  return hex;
}

export function withEnvelope(payload: Fields, envelope: { attempt: number; trace: string; pipelineVersion: string; now: number }): Fields {
  return {
    ...payload,
    attempt_count: String(envelope.attempt),
    trace: envelope.trace,
    pipeline_version: envelope.pipelineVersion,
    enqueued_at: String(envelope.now),
  };
}
