import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isClosedSocketWrite } from '../../src/store/pg-guard.ts';

test('only postgres.js writing to a connection the server closed is recognised', () => {
  const thrown = new TypeError("Cannot read properties of null (reading 'write')");
  thrown.stack = `${thrown.message}\n    at Immediate.nextWrite (file:///app/node_modules/postgres/src/connection.js:255:22)`;
  assert.equal(isClosedSocketWrite(thrown), true);
  const elsewhere = new TypeError("Cannot read properties of null (reading 'write')");
  elsewhere.stack = `${elsewhere.message}\n    at handler (file:///app/stages/mine.ts:3:1)`;
  assert.equal(isClosedSocketWrite(elsewhere), false, 'the same message from a stage is a real bug');
  assert.equal(isClosedSocketWrite(new Error('write CONNECTION_CLOSED')), false);
});
