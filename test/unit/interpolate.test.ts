import { test } from 'node:test';
import assert from 'node:assert/strict';
import { interpolate, plainScalarValue } from '../../src/config/interpolate.ts';

test('${VAR} is replaced by the environment value', () => {
  assert.deepEqual(interpolate('redis://${HOST}:6379', { HOST: 'cache.internal' }), { value: 'redis://cache.internal:6379', errors: [] });
});

test('${VAR:-default} uses the default when VAR is unset or empty, the value when set', () => {
  assert.equal(interpolate('${URL:-embedded}', {}).value, 'embedded');
  assert.equal(interpolate('${URL:-embedded}', { URL: '' }).value, 'embedded');
  assert.equal(interpolate('${URL:-embedded}', { URL: 'postgres://db/x' }).value, 'postgres://db/x');
  assert.deepEqual(interpolate('${URL:-}', {}), { value: '', errors: [] });
});

test('a default may itself contain ":" and "/" (URLs)', () => {
  assert.equal(interpolate('${REDIS_URL:-redis://127.0.0.1:6379/0}', {}).value, 'redis://127.0.0.1:6379/0');
});

test('several references in one string are all replaced', () => {
  assert.equal(interpolate('${A}-${B:-b}-${A}', { A: 'a' }).value, 'a-b-a');
});

test('$${ escapes a literal ${ and is not interpolated', () => {
  assert.deepEqual(interpolate('cost: $${PRICE} and ${X}', { X: 'x', PRICE: 'never' }), { value: 'cost: ${PRICE} and x', errors: [] });
});

test('an unset ${VAR} without default is an error that names the variable', () => {
  const r = interpolate('postgres://${DB_HOST}/x', {});
  assert.equal(r.errors.length, 1);
  assert.match(r.errors[0]!, /environment variable DB_HOST is not set/);
});

test('an unterminated ${FOO is an error', () => {
  const r = interpolate('redis://${FOO', { FOO: 'x' });
  assert.equal(r.errors.length, 1);
  assert.match(r.errors[0]!, /unterminated "\$\{"/);
});

test('a reference that is not a variable name (${1X}, ${}, ${A B}) is an error', () => {
  for (const text of ['${1X}', '${}', '${A B}', '${-x}']) {
    const r = interpolate(text, { '1X': 'set anyway' });
    assert.equal(r.errors.length, 1, text);
    assert.match(r.errors[0]!, /bad environment reference/, text);
  }
});

test('text without ${ is returned unchanged', () => {
  assert.deepEqual(interpolate('plain $HOME text $', { HOME: '/root' }), { value: 'plain $HOME text $', errors: [] });
});

test('plainScalarValue reads numbers and booleans as YAML 1.2 core does, everything else as text', () => {
  assert.equal(plainScalarValue('4'), 4);
  assert.equal(plainScalarValue('-2.5'), -2.5);
  assert.equal(plainScalarValue('1e3'), 1000);
  assert.equal(plainScalarValue('true'), true);
  assert.equal(plainScalarValue('FALSE'), false);
  assert.equal(plainScalarValue('2s'), '2s');
  assert.equal(plainScalarValue('redis://x:1'), 'redis://x:1');
  assert.equal(plainScalarValue(''), '');
  assert.equal(plainScalarValue('yes'), 'yes');
});
