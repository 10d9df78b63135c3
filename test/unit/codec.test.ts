import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodePayload, encodePayload, fieldsFromArray, nextTraceparent, splitEnvelope, withEnvelope } from '../../src/messages/codec.ts';
import { compileSchema, createMessageAjv, formatAjvErrors } from '../../src/messages/schemas.ts';

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['document_uuid', 'n'],
  properties: { document_uuid: { type: 'string' }, n: { type: 'integer' }, meta: { type: 'object' }, tags: { type: 'array' }, note: { type: ['string', 'null'] } },
};

test('the seed flat convention round-trips: nested values JSON-encoded, numbers as strings', () => {
  const out = encodePayload({ document_uuid: 'u', n: 3, meta: { a: [1] }, tags: ['x'], skip: undefined, none: null, attempt_count: 9 });
  assert.deepEqual(out, { document_uuid: 'u', n: '3', meta: '{"a":[1]}', tags: '["x"]' }, 'envelope fields and nulls are not the handler\'s to set');
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
  const { envelope, payload, problems } = splitEnvelope(fieldsFromArray(['document_uuid', 'u', 'attempt_count', '2', 'trace', 't', 'enqueued_at', '5']));
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
