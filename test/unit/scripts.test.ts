/**
 * The Lua scripts' contract, without Redis: each header documents every KEYS/ARGV index its body
 * reads (and documents none it does not read), and script return codes decode in one table.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { SCRIPT_CODES, scriptOutcome } from '../../src/streams/script-calls.ts';
import { REPO } from '../helpers/runner-process.ts';

const LUA = path.join(REPO, 'src/streams/lua');

/** Indexes of `name[n]` in some text, plus the open-ended `name[n..]` ranges. */
function indexes(text: string, name: 'KEYS' | 'ARGV'): { fixed: Set<number>; from: number | undefined } {
  const fixed = new Set<number>();
  let from: number | undefined;
  for (const m of text.matchAll(new RegExp(`${name}\\[(\\d+)\\s*(\\.\\.|\\+[^\\]]*)?\\]`, 'g'))) {
    if (m[2]) from = Number(m[1]);
    else fixed.add(Number(m[1]));
  }
  return { fixed, from };
}

for (const file of readdirSync(LUA).filter((f) => f.endsWith('.lua') && !f.startsWith('_'))) {
  test(`${file}: the header documents exactly the KEYS and ARGV the script reads`, () => {
    const src = readFileSync(path.join(LUA, file), 'utf8');
    const lines = src.split('\n');
    const header = lines.filter((l) => l.startsWith('--')).join('\n');
    const body = lines.filter((l) => !l.startsWith('--')).join('\n');
    for (const name of ['KEYS', 'ARGV'] as const) {
      const documented = indexes(header, name);
      const read = indexes(body, name);
      // a loop `for i = N, #ARGV` reads ARGV[N..]
      const loop = new RegExp(`for i = (\\d+), #${name} do`).exec(body);
      const readFrom = loop ? Number(loop[1]) : read.from;
      for (const i of read.fixed) {
        assert.ok(
          documented.fixed.has(i) || (documented.from !== undefined && i >= documented.from),
          `${file}: ${name}[${i}] is read but not documented`,
        );
      }
      for (const i of documented.fixed) {
        assert.ok(read.fixed.has(i) || (readFrom !== undefined && i >= readFrom), `${file}: ${name}[${i}] is documented but never read`);
      }
      assert.equal(documented.from, readFrom, `${file}: ${name} open range documented from ${documented.from}, read from ${readFrom}`);
    }
  });
}

test('script return codes decode in one table; an unknown code is an error', () => {
  assert.equal(scriptOutcome('submit', 1), 'published');
  assert.equal(scriptOutcome('submit', 0), 'in-flight');
  assert.equal(scriptOutcome('begin', 0), 'refused');
  assert.equal(scriptOutcome('retry', 0), 'stale');
  assert.deepEqual(
    [1, 2, 0].map((c) => scriptOutcome('deadLetter', c)),
    ['failed', 'dead-lettered', 'stale'],
  );
  assert.throws(() => scriptOutcome('deadLetter', 3), /deadLetter returned unknown code 3/);
  assert.deepEqual(Object.keys(SCRIPT_CODES).sort(), ['begin', 'deadLetter', 'retry', 'submit']);
});
