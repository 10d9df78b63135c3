/**
 * Hostile stream entries against a running stage: malformed, oversized, wrong-typed, unknown
 * fields, prototype-pollution keys, and file paths escaping the allowed roots. Each ends in the
 * stage's DLQ with a clear reason; the worker keeps going and the good documents complete.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import pino from 'pino';
import { loadPipeline } from '../../src/config/load.ts';
import { decodePayload } from '../../src/messages/codec.ts';
import { compileSchema, createMessageAjv } from '../../src/messages/schemas.ts';
import { noStore } from '../../src/store/none.ts';
import { Runner } from '../../src/worker/runner.ts';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../helpers/redis.ts';
import { REPO } from '../helpers/runner-process.ts';
import { pendingCount, streamEntries } from './support.ts';

const PIPELINE = path.join(REPO, 'test/fixtures/hostile/pipeline.yaml');
let tmp: string;
let root: string;
const prefixes: string[] = [];

before(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'dp-hostile-'));
  root = path.join(tmp, 'root');
  mkdirSync(root);
  mkdirSync(`${root}-evil`); // a sibling whose name starts with the root's
  writeFileSync(path.join(root, 'good.txt'), 'a contract\n');
  writeFileSync(path.join(tmp, 'secret.txt'), 'outside the root\n');
  writeFileSync(`${root}-evil/secret.txt`, 'outside the root too\n');
  symlinkSync(path.join(tmp, 'secret.txt'), path.join(root, 'link-out.txt'));
  symlinkSync(tmp, path.join(root, 'dir-out'));
  symlinkSync(path.join(root, 'loop-b'), path.join(root, 'loop-a'));
  symlinkSync(path.join(root, 'loop-a'), path.join(root, 'loop-b'));
});
after(async () => {
  for (const p of prefixes) await dropPrefix(TEST_REDIS_URL, p);
  rmSync(tmp, { recursive: true, force: true });
});

interface Case {
  name: string;
  fields: Record<string, string>;
  /** undefined: the document completes; otherwise its DLQ entry's code and a pattern of its error. */
  dlq?: { code: string; kind: string; error: RegExp };
}

async function runCases(
  cases: Case[],
): Promise<{ redis: Redis; prefix: string; dead: Map<string, Record<string, string>>; completed: Set<string> }> {
  const prefix = uniquePrefix('hostile');
  prefixes.push(prefix);
  const redis = new Redis(TEST_REDIS_URL);
  const pipe = redis.pipeline();
  for (const c of cases) pipe.xadd(`${prefix}:read:pending`, '*', ...Object.entries(c.fields).flat());
  await pipe.exec();
  const config = loadPipeline(PIPELINE, { ...process.env, DOCPIPE_PREFIX: prefix, REDIS_URL: TEST_REDIS_URL, HOSTILE_ROOT: root });
  const runner = await Runner.create(config, { log: pino({ level: 'silent' }), store: noStore() });
  runner.start();
  await runner.waitUntilIdle(AbortSignal.timeout(60_000));
  await runner.close();
  const dead = new Map<string, Record<string, string>>();
  const byN = new Map(cases.map((c) => [c.fields['n'], c.name]));
  for (const e of await streamEntries(redis, `${prefix}:read:dlq`)) dead.set(byN.get(e.fields['n']) ?? e.id, e.fields);
  const completed = new Set((await streamEntries(redis, `${prefix}:processing:completed`)).map((e) => e.fields['document_uuid']!));
  assert.equal(await pendingCount(redis, `${prefix}:read:pending`, 'read-service-group'), 0, 'nothing left pending');
  return { redis, prefix, dead, completed };
}

function good(n: number, extra: Record<string, string> = {}): Record<string, string> {
  return { document_uuid: randomUUID(), n: String(n), file_path: path.join(root, 'good.txt'), ...extra };
}

describe('hostile stream entries', { timeout: 120_000 }, () => {
  test('bug: flat numeric fields "1e400", "0x10", "Infinity" and unsafe integers were coerced by ajv to another value', () => {
    const schema = { type: 'object', properties: { n: { type: 'integer' }, x: { type: 'number' }, k: { type: ['integer', 'null'] } } };
    const validate = compileSchema(createMessageAjv(), schema);
    for (const n of ['1e400', '0x10', 'Infinity', '-Infinity', 'NaN', '9007199254740993', '1e20', ' 5', '5 ']) {
      assert.equal(validate(decodePayload({ n }, schema)), false, `n = ${JSON.stringify(n)} is rejected`);
    }
    assert.equal(validate(decodePayload({ x: '1e400' }, schema)), false, 'a number field rejects an infinite value');
    for (const [f, v, want] of [
      ['n', '42', 42],
      ['n', '-7', -7],
      ['n', '5.0', 5],
      ['x', '2.5e3', 2500],
      ['x', '0.1', 0.1],
      ['k', '', null],
      ['k', '9', 9],
    ] as const) {
      const msg = decodePayload({ [f]: v }, schema);
      assert.equal(validate(msg), true, `${f} = ${JSON.stringify(v)} is accepted`);
      assert.equal(msg[f], want);
    }
  });

  test('malformed, oversized, wrong-typed and unknown fields: dead-lettered with a reason; the good documents complete', async () => {
    const invalid = (error: RegExp) => ({ code: 'DP_ERR_MESSAGE_INVALID', kind: 'invalid-message', error });
    const cases: Case[] = [
      { name: 'good-1', fields: good(1) },
      { name: 'no uuid', fields: { n: '2', file_path: path.join(root, 'good.txt') }, dlq: invalid(/missing field "document_uuid"/) },
      { name: 'bad uuid', fields: { ...good(3), document_uuid: "x' OR 1=1 --" }, dlq: invalid(/is not a uuid/) },
      {
        name: 'oversized',
        fields: { ...good(4), file_path: path.join(root, 'good.txt') + '/' + 'A'.repeat(100_000) },
        dlq: invalid(/over the 65536-byte limit/),
      },
      { name: 'n not a number', fields: { ...good(5), n: 'seven' }, dlq: invalid(/input schema:.*\bn\b.*integer/) },
      { name: 'n huge', fields: { ...good(6), n: '1e400' }, dlq: invalid(/input schema:.*\bn\b/) },
      { name: 'n hex', fields: { ...good(15), n: '0x10' }, dlq: invalid(/input schema:.*\bn\b/) },
      { name: 'n unsafe integer', fields: { ...good(16), n: '9007199254740993' }, dlq: invalid(/input schema:.*\bn\b/) },
      { name: 'meta not json', fields: { ...good(7), meta: '{"tags": [' }, dlq: invalid(/input schema:.*meta.*object/) },
      { name: 'meta wrong shape', fields: { ...good(8), meta: '{"tags": "a"}' }, dlq: invalid(/input schema:.*tags.*array/) },
      {
        name: 'attempt_count forged',
        fields: { ...good(9), attempt_count: '-5' },
        dlq: invalid(/attempt_count must be a positive integer/),
      },
      { name: 'unknown field', fields: { ...good(10), run_as: 'root' }, dlq: invalid(/input schema:.*(additional|run_as)/) },
      { name: 'deep json', fields: { ...good(11), meta: '['.repeat(5000) + ']'.repeat(5000) }, dlq: invalid(/input schema:.*meta/) },
      { name: 'good-12', fields: good(12) },
      { name: 'proto keys', fields: { ...good(13), constructor: '{"prototype":{"polluted":true}}' }, dlq: invalid(/input schema/) },
      { name: 'good-14', fields: good(14) },
    ];
    const { redis, dead, completed } = await runCases(cases);
    try {
      for (const c of cases) {
        if (!c.dlq) {
          assert.ok(completed.has(c.fields['document_uuid']!), `${c.name} completed`);
          continue;
        }
        const entry = dead.get(c.name);
        assert.ok(entry, `${c.name}: dead-lettered`);
        assert.equal(entry['error_code'], c.dlq.code, `${c.name}: ${entry['error']}`);
        assert.equal(entry['error_kind'], c.dlq.kind, c.name);
        assert.match(entry['error']!, c.dlq.error, c.name);
        assert.ok(entry['original_msg_id'] && entry['failed_at_attempt'], `${c.name}: DLQ entry names the original entry and attempt`);
      }
      assert.equal(dead.size, cases.filter((c) => c.dlq).length, 'one DLQ entry per hostile entry');
      assert.equal(completed.size, 3);
      assert.equal(({} as Record<string, unknown>)['polluted'], undefined, 'no prototype pollution');
    } finally {
      redis.disconnect();
    }
  });

  test('file_path escaping the allowed roots (../, absolute, symlinks, file:// tricks): DP_ERR_FILE_OUTSIDE_ROOTS in the DLQ, nothing read', async () => {
    const escapes: Record<string, string> = {
      'dot-dot': path.join(root, '..', 'secret.txt'),
      'dot-dot unnormalised': `${root}/../secret.txt`,
      absolute: '/etc/passwd',
      relative: '../../../../etc/passwd',
      'symlink to a file outside': path.join(root, 'link-out.txt'),
      'symlinked directory': path.join(root, 'dir-out', 'secret.txt'),
      'sibling with the root as prefix': `${root}-evil/secret.txt`,
      'file url': 'file:///etc/passwd',
      'file url with host': 'file://localhost/etc/passwd',
      'file url dot-dot': `file://${root}/../secret.txt`,
      'file url encoded dot-dot': `file://${root}/%2e%2e/secret.txt`,
      'file url encoded slash': `file://${root}/..%2fsecret.txt`,
      'upper-case scheme': 'FILE:///etc/passwd',
      'other scheme': 'http://169.254.169.254/latest/meta-data/',
      'nul byte': `${root}/good.txt\u0000/../../secret.txt`,
    };
    const cases: Case[] = [{ name: 'good-1', fields: good(1) }];
    let n = 2;
    for (const [name, p] of Object.entries(escapes)) {
      cases.push({
        name,
        fields: { ...good(n++), file_path: p },
        dlq: {
          code: 'DP_ERR_FILE_OUTSIDE_ROOTS',
          kind: 'invalid-message',
          error: /outside the allowed roots|not a valid file:\/\/ URL|unsupported scheme|NUL byte/,
        },
      });
    }
    cases.push({ name: 'symlink loop', fields: { ...good(n++), file_path: path.join(root, 'loop-a') } });
    cases.push({ name: 'through a file', fields: { ...good(n++), file_path: path.join(root, 'good.txt', 'x') } });
    cases.push({ name: 'good-last', fields: good(n) });
    const { redis, dead, completed } = await runCases(cases);
    try {
      const seen = dead;
      for (const c of cases) {
        if (c.name === 'symlink loop') {
          const e = seen.get(c.name);
          assert.ok(e, 'a symlink loop is dead-lettered');
          // bug: a symlink loop was retried as if it could resolve later (now permanent at once)
          assert.equal(e['error_kind'], 'permanent', `symlink loop: ${e['error']}`);
          assert.equal(e['error_code'], 'DP_ERR_FILE_NOT_FOUND');
          assert.match(e['error']!, /ELOOP/);
          assert.equal(e['failed_at_attempt'], '1');
          continue;
        }
        if (c.name === 'through a file') {
          assert.equal(seen.get(c.name)?.['error_kind'], 'permanent', `a path through a file: ${seen.get(c.name)?.['error']}`);
          continue;
        }
        if (!c.dlq) {
          assert.ok(completed.has(c.fields['document_uuid']!), `${c.name} completed`);
          continue;
        }
        const e = seen.get(c.name);
        assert.ok(e, `${c.name} (${c.fields['file_path']}): dead-lettered`);
        assert.equal(e['error_code'], c.dlq.code, `${c.name}: ${e['error']}`);
        assert.match(e['error']!, c.dlq.error, c.name);
      }
      assert.equal(completed.size, 2, 'the good documents completed');
    } finally {
      redis.disconnect();
    }
  });
});
