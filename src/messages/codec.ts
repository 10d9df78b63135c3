import { randomBytes } from 'node:crypto';
import type { JsonSchema } from './schemas.ts';

/**
 * Stream entries are flat string fields (the seed's convention): nested objects and lists are
 * JSON-encoded strings, numbers are decimal strings. A Python `produce_to_stream` can feed any
 * stage and read the completed stream.
 */
export type Fields = Record<string, string>;

/** Envelope fields the runtime owns; handlers never see or set them. */
const ENVELOPE_FIELDS = ['attempt_count', 'trace', 'pipeline_version', 'enqueued_at'] as const;

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
  for (const f of ENVELOPE_FIELDS) delete payload[f];
  const { envelope, problem } = readEnvelope(fields['attempt_count'], fields['trace'], fields['pipeline_version'], fields['enqueued_at']);
  return { envelope, payload, problems: problem ? [problem] : [] };
}

const ENVELOPE_SET: ReadonlySet<string> = new Set(ENVELOPE_FIELDS);

function isEnvelopeField(name: string): boolean {
  return ENVELOPE_SET.has(name);
}

/** The envelope from its raw field values (a foreign message without attempt_count is attempt 1). */
function readEnvelope(
  attemptRaw: string | undefined,
  trace: string | undefined,
  pipelineVersion: string | undefined,
  enqueuedRaw: string | undefined,
): { envelope: Envelope; problem: string | undefined } {
  let attempt = 1;
  let problem: string | undefined;
  if (attemptRaw !== undefined) {
    attempt = Number(attemptRaw);
    if (!Number.isInteger(attempt) || attempt < 1) {
      problem = `attempt_count must be a positive integer, got "${attemptRaw}"`;
      attempt = 1;
    }
  }
  const enq = enqueuedRaw !== undefined ? Number(enqueuedRaw) : undefined;
  return { envelope: { attempt, trace, pipelineVersion, enqueuedAt: Number.isFinite(enq) ? enq : undefined }, problem };
}

/**
 * How one payload field is decoded (from its declared JSON Schema type): `json` for a declared
 * object/array; `undeclared` is parsed when it looks like a JSON object or list (the seed's heuristic).
 */
type FieldKind = 'undeclared' | 'plain' | 'json' | 'integer' | 'number';

interface FieldPlan {
  kind: FieldKind;
  /** Declared `null` as one of its types: "" decodes to null. */
  nullable: boolean;
}

/** A schema's decoding plan, computed once per schema (the hot path decodes thousands of entries a second). */
export type PayloadDecoder = (name: string, value: string) => unknown;

const decoders = new WeakMap<JsonSchema, PayloadDecoder>();

export function payloadDecoder(schema: JsonSchema): PayloadDecoder {
  let decoder = decoders.get(schema);
  if (decoder) return decoder;
  const plans = new Map<string, FieldPlan>();
  for (const [name, prop] of Object.entries((schema['properties'] ?? {}) as Record<string, { type?: string | string[] }>)) {
    const types = prop?.type === undefined ? [] : Array.isArray(prop.type) ? prop.type : [prop.type];
    const kind =
      types.includes('object') || types.includes('array')
        ? 'json'
        : isNumericOnly(types)
          ? types.includes('number')
            ? 'number'
            : 'integer'
          : 'plain';
    plans.set(name, { kind, nullable: types.includes('null') });
  }
  const undeclared: FieldPlan = { kind: 'undeclared', nullable: false };
  decoder = (name, v) => {
    const plan = plans.get(name) ?? undeclared;
    if (plan.kind === 'json' || (plan.kind === 'undeclared' && looksLikeJson(v))) {
      try {
        return JSON.parse(v);
      } catch {
        // left as a string: validation reports it
      }
    }
    if (v === '' && plan.nullable) return null;
    if (v !== '' && (plan.kind === 'integer' || plan.kind === 'number')) return strictNumber(v, plan.kind === 'integer');
    return v;
  };
  decoders.set(schema, decoder);
  return decoder;
}

/** `/^\s*[[{]/` without a regular expression. */
function looksLikeJson(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) return true;
    if (
      c !== 0x20 &&
      c !== 0x09 &&
      c !== 0x0a &&
      c !== 0x0d &&
      c !== 0x0b &&
      c !== 0x0c &&
      c !== 0xa0 &&
      c !== 0xfeff &&
      !(c >= 0x2000 && c <= 0x200a) &&
      c !== 0x1680 &&
      c !== 0x2028 &&
      c !== 0x2029 &&
      c !== 0x202f &&
      c !== 0x205f &&
      c !== 0x3000
    )
      return false;
  }
  return false;
}

/**
 * Decodes payload strings using the schema: fields declared as object/array are JSON-parsed;
 * numbers and booleans are left to ajv's coercion; undeclared fields that look like JSON objects or
 * lists are parsed (the seed's heuristic). A string that fails to parse stays a string, and the
 * schema then rejects it with a clear reason.
 */
export function decodePayload(payload: Fields, schema: JsonSchema): Record<string, unknown> {
  const decode = payloadDecoder(schema);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(payload)) out[k] = decode(k, payload[k]!);
  return out;
}

export interface DecodedEntry {
  envelope: Envelope;
  /** The decoded payload (envelope fields removed), ready for validation. */
  message: Record<string, unknown>;
  problems: string[] | undefined;
}

/**
 * One pass over an entry's raw field list (`[k1, v1, k2, v2, …]`): the envelope split off and the
 * payload decoded with the stage's plan. Same result as `splitEnvelope` + `decodePayload`
 * (a repeated field keeps its last value), without the intermediate objects.
 */
export function decodeEntry(list: readonly string[], decode: PayloadDecoder): DecodedEntry {
  const message: Record<string, unknown> = {};
  let attemptRaw: string | undefined;
  let trace: string | undefined;
  let pipelineVersion: string | undefined;
  let enqueuedRaw: string | undefined;
  for (let i = 0; i + 1 < list.length; i += 2) {
    const k = list[i]!;
    const v = list[i + 1]!;
    switch (k) {
      case 'attempt_count':
        attemptRaw = v;
        break;
      case 'trace':
        trace = v;
        break;
      case 'pipeline_version':
        pipelineVersion = v;
        break;
      case 'enqueued_at':
        enqueuedRaw = v;
        break;
      default:
        message[k] = decode(k, v);
    }
  }
  const { envelope, problem } = readEnvelope(attemptRaw, trace, pipelineVersion, enqueuedRaw);
  return { envelope, message, problems: problem ? [problem] : undefined };
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
    if (isEnvelopeField(k)) continue;
    out[k] = typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
  return out;
}

/** W3C traceparent: a new trace, or the same trace with a new span for the next hop. */
export function nextTraceparent(parent: string | undefined): string {
  if (parent !== undefined && parent.length === 55 && TRACEPARENT.test(parent)) {
    return `00-${parent.slice(3, 35)}-${randomHex(8)}-${parent.slice(53)}`;
  }
  return `00-${randomHex(16)}-${randomHex(8)}-01`;
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

/**
 * A handler's output as an entry's flat field list with the envelope appended: `encodePayload` +
 * `withEnvelope` in one pass, straight into the array the handoff sends.
 */
export function encodeEntry(
  value: Record<string, unknown>,
  envelope: { attempt: number; trace: string; pipelineVersion: string; now: number },
): string[] {
  const out: string[] = [];
  for (const k in value) {
    if (!Object.hasOwn(value, k)) continue;
    const v = value[k];
    if (v === undefined || v === null) continue;
    if (isEnvelopeField(k)) continue;
    out.push(k, typeof v === 'object' ? JSON.stringify(v) : String(v));
  }
  out.push(
    'attempt_count',
    String(envelope.attempt),
    'trace',
    envelope.trace,
    'pipeline_version',
    envelope.pipelineVersion,
    'enqueued_at',
    String(envelope.now),
  );
  return out;
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
