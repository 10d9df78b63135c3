import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  decodeEntry,
  decodePayload,
  encodeEntry,
  encodePayload,
  fieldsFromArray,
  fieldsToArray,
  nextTraceparent,
  payloadDecoder,
  splitEnvelope,
  withEnvelope,
} from '../../src/messages/codec.ts';
import { StreamEntry } from '../../src/streams/broker.ts';
import { compileSchema, createMessageAjv, formatAjvErrors } from '../../src/messages/schemas.ts';

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['document_uuid', 'n'],
  properties: {
    document_uuid: { type: 'string' },
    n: { type: 'integer' },
    meta: { type: 'object' },
    tags: { type: 'array' },
    note: { type: ['string', 'null'] },
  },
};

test('the seed flat convention round-trips: nested values JSON-encoded, numbers as strings', () => {
  const out = encodePayload({ document_uuid: 'u', n: 3, meta: { a: [1] }, tags: ['x'], skip: undefined, none: null, attempt_count: 9 });
  assert.deepEqual(
    out,
    { document_uuid: 'u', n: '3', meta: '{"a":[1]}', tags: '["x"]' },
    "envelope fields and nulls are not the handler's to set",
  );
  const back = decodePayload(out, schema);
  assert.deepEqual(back, { document_uuid: 'u', n: '3', meta: { a: [1] }, tags: ['x'] });
  const validate = compileSchema(createMessageAjv(), schema);
  assert.equal(validate(back), true);
  assert.equal(back['n'], 3, 'ajv coerces the flat number');
});

test('a field that is not valid JSON stays a string and fails validation with a clear reason', () => {
  const back = decodePayload({ document_uuid: 'u', n: 'seven', meta: '{broken' }, schema);
  const validate = compileSchema(createMessageAjv(), schema);
  assert.equal(validate(back), false);
  const reason = formatAjvErrors(validate.errors);
  assert.match(reason, /n must be integer/);
  assert.match(reason, /meta must be object/);
});

test('unknown fields are reported by name', () => {
  const validate = compileSchema(createMessageAjv(), schema);
  assert.equal(validate({ document_uuid: 'u', n: 1, extra: 'x' }), false);
  assert.match(formatAjvErrors(validate.errors), /unknown field "extra"/);
});

test('the envelope is split from the payload, and a bad attempt_count is a problem', () => {
  const { envelope, payload, problems } = splitEnvelope(
    fieldsFromArray(['document_uuid', 'u', 'attempt_count', '2', 'trace', 't', 'enqueued_at', '5']),
  );
  assert.deepEqual(payload, { document_uuid: 'u' });
  assert.equal(envelope.attempt, 2);
  assert.equal(envelope.enqueuedAt, 5);
  assert.deepEqual(problems, []);
  assert.equal(splitEnvelope({ attempt_count: '-1' }).problems.length, 1);
  assert.equal(splitEnvelope({}).envelope.attempt, 1, 'a foreign message without attempt_count is attempt 1');
});

test('traceparent keeps the trace id across hops with a new span id', () => {
  const first = nextTraceparent(undefined);
  assert.match(first, /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  const next = nextTraceparent(first);
  assert.equal(next.slice(3, 35), first.slice(3, 35));
  assert.notEqual(next.slice(36, 52), first.slice(36, 52));
  const fields = withEnvelope({ a: '1' }, { attempt: 1, trace: next, pipelineVersion: 'p@1', now: 42 });
  assert.deepEqual(fields, { a: '1', attempt_count: '1', trace: next, pipeline_version: 'p@1', enqueued_at: '42' });
});

// The worker's one-pass decoder must read every entry exactly as splitEnvelope + decodePayload do.
const wide = {
  type: 'object',
  properties: {
    document_uuid: { type: 'string' },
    n: { type: 'integer' },
    x: { type: 'number' },
    maybe: { type: ['integer', 'null'] },
    meta: { type: 'object' },
    tags: { type: 'array' },
    note: { type: ['string', 'null'] },
    any: {},
    flag: { type: 'boolean' },
  },
};
const entries: string[][] = [
  ['document_uuid', 'u', 'n', '3', 'meta', '{"a":[1]}', 'tags', '["x"]'],
  ['document_uuid', 'u', 'attempt_count', '2', 'trace', 't', 'pipeline_version', 'p@1', 'enqueued_at', '5', 'n', '7'],
  ['n', '1e400', 'x', '0x10', 'maybe', '', 'note', '', 'meta', '{broken', 'flag', 'true'],
  ['n', '9007199254740993', 'x', '-2.5e3', 'maybe', '12', 'tags', ' [1, 2]'],
  ['extra', ' {"k": 1}', 'other', '[not json', 'plain', 'text', 'any', '{"declared":"untyped"}', 'spaced', '\u00a0[1]'],
  ['document_uuid', 'first', 'document_uuid', 'second', 'attempt_count', '-1'],
  ['attempt_count', 'abc', 'enqueued_at', 'never'],
  [],
];

/** The decoding rules written out plainly (the oracle for the planned decoder). */
function referenceDecode(payload: Record<string, string>, schema: typeof wide): Record<string, unknown> {
  const props = schema.properties as Record<string, { type?: string | string[] }>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(payload)) {
    const prop = props[k];
    const types = prop?.type === undefined ? [] : Array.isArray(prop.type) ? prop.type : [prop.type];
    if (types.includes('object') || types.includes('array') || (!prop && /^\s*[[{]/.test(v))) {
      try {
        out[k] = JSON.parse(v);
        continue;
      } catch {
        // stays a string
      }
    }
    if (v === '' && types.includes('null')) {
      out[k] = null;
      continue;
    }
    const numeric =
      types.length > 0 && types.every((t) => t === 'integer' || t === 'number' || t === 'null') && types.some((t) => t !== 'null');
    if (numeric && v !== '') {
      const n = Number(v);
      const integer = !types.includes('number');
      const ok = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/.test(v) && Number.isFinite(n) && (!integer || Number.isSafeInteger(n));
      out[k] = ok ? v : `not a ${integer ? 'safe integer' : 'finite number'}: ${v.slice(0, 64)}`;
      continue;
    }
    out[k] = v;
  }
  return out;
}

test('decodeEntry reads an entry exactly as splitEnvelope + the decoding rules (envelope, payload, problems)', () => {
  const decode = payloadDecoder(wide);
  for (const list of entries) {
    const old = splitEnvelope(fieldsFromArray(list));
    const fast = decodeEntry(list, decode);
    assert.deepEqual(fast.message, referenceDecode(old.payload, wide), JSON.stringify(list));
    assert.deepEqual(decodePayload(old.payload, wide), fast.message, JSON.stringify(list));
    assert.deepEqual(fast.envelope, old.envelope, JSON.stringify(list));
    assert.deepEqual(fast.problems ?? [], old.problems, JSON.stringify(list));
  }
  assert.equal(payloadDecoder(wide), decode, 'one plan per schema');
});

test('encodeEntry writes the same fields as encodePayload + withEnvelope, envelope last', () => {
  const value = {
    document_uuid: 'u',
    n: 3,
    meta: { a: [1] },
    tags: ['x'],
    skip: undefined,
    none: null,
    attempt_count: 9,
    trace: 'forged',
    ok: false,
  };
  const envelope = { attempt: 1, trace: nextTraceparent(undefined), pipelineVersion: 'p@1', now: 42 };
  const flat = encodeEntry(value, envelope);
  assert.deepEqual(fieldsFromArray(flat), withEnvelope(encodePayload(value), envelope));
  assert.deepEqual(
    flat.slice(-8),
    fieldsToArray({ attempt_count: '1', trace: envelope.trace, pipeline_version: 'p@1', enqueued_at: '42' }),
  );
  const inherited = Object.create({ inherited: 'no' }) as Record<string, unknown>;
  inherited['own'] = 'yes';
  assert.deepEqual(fieldsFromArray(encodeEntry(inherited, envelope)).own, 'yes');
  assert.equal(fieldsFromArray(encodeEntry(inherited, envelope))['inherited'], undefined, 'only own fields are encoded');
});

test('a malformed traceparent starts a new trace instead of being carried on', () => {
  for (const bad of [
    '',
    'garbage',
    '00-' + 'g'.repeat(32) + '-' + '0'.repeat(16) + '-01',
    '01-' + 'a'.repeat(32) + '-' + '0'.repeat(16) + '-01x',
  ]) {
    const next = nextTraceparent(bad);
    assert.match(next, /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    assert.ok(!next.includes('g'));
  }
  const parent = '00-' + 'ab'.repeat(16) + '-' + '1'.repeat(16) + '-00';
  assert.equal(nextTraceparent(parent).slice(0, 35), parent.slice(0, 35));
  assert.ok(nextTraceparent(parent).endsWith('-00'), 'trace flags are kept');
});

test('StreamEntry: size in UTF-8 bytes; fits() agrees with the exact size at the limit', () => {
  const e = new StreamEntry('1-0', ['k', 'é'.repeat(10), 'emoji', '😀']);
  assert.equal(e.bytes, 1 + 20 + 5 + 4);
  for (let max = 0; max < 40; max++) assert.equal(e.fits(max), e.bytes <= max, `max ${max}`);
  assert.deepEqual(e.fields, { k: 'é'.repeat(10), emoji: '😀' });
});
