import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createSupabaseReader, parseSupabaseLocation } from '../../src/providers/supabase.ts';
import { LocalFileSource } from '../../src/providers/files.ts';
import { DocpipeError } from '../../src/errors.ts';
import { startFakeStorage, type FakeStorage } from '../fakes/supabase-storage-server.ts';

let fake: FakeStorage;
before(async () => {
  fake = await startFakeStorage();
  fake.put('contracts', 'nda/mutual nda.pdf', Buffer.from('%PDF-1.7 fake pdf bytes'));
  fake.put('contracts', 'big.bin', Buffer.alloc(2048, 1));
});
after(() => fake.close());

const env = () => ({ SUPABASE_URL: fake.url, SUPABASE_SERVICE_ROLE_KEY: fake.key });

test('not configured without both env variables', () => {
  assert.equal(createSupabaseReader({}), undefined);
  assert.equal(createSupabaseReader({ SUPABASE_URL: 'http://x' }), undefined);
  assert.equal(createSupabaseReader({ SUPABASE_SERVICE_ROLE_KEY: 'k' }), undefined);
});

test('parses supabase://bucket/key and rejects malformed locations', () => {
  assert.deepEqual(parseSupabaseLocation('supabase://b/a/b/c.pdf'), { bucket: 'b', key: 'a/b/c.pdf' });
  for (const bad of ['supabase://bucket', 'supabase://bucket/', 'supabase:///key', 'supabase://b/dir/']) {
    assert.throws(
      () => parseSupabaseLocation(bad),
      (e: unknown) => e instanceof DocpipeError && e.kind === 'invalid-message',
      bad,
    );
  }
});

test('downloads an object through supabase-js with the service key', async () => {
  const read = createSupabaseReader(env());
  assert.ok(read);
  const bytes = await read('supabase://contracts/nda/mutual nda.pdf');
  assert.equal(bytes.toString(), '%PDF-1.7 fake pdf bytes');
  const last = fake.requests.at(-1);
  assert.equal(last?.method, 'GET');
  assert.equal(last?.path, '/storage/v1/object/contracts/nda/mutual nda.pdf');
  assert.equal(last?.authorization, `Bearer ${fake.key}`);
  assert.equal(last?.apikey, fake.key);
});

test('a missing object is a permanent not-found error (404 and the legacy 400/"404" form)', async () => {
  const read = createSupabaseReader(env())!;
  for (const loc of ['supabase://contracts/missing.pdf', 'supabase://contracts/legacy-404/missing.pdf']) {
    await assert.rejects(read(loc), (e: unknown) => {
      assert.ok(e instanceof DocpipeError, String(e));
      assert.equal(e.kind, 'permanent');
      assert.equal(e.code, 'DP_ERR_FILE_NOT_FOUND');
      assert.match(e.message, /supabase:\/\/contracts\/.*missing\.pdf: object not found/);
      return true;
    });
  }
});

test('a wrong key is permanent; a 500 is retryable (a plain error)', async () => {
  const wrong = createSupabaseReader({ SUPABASE_URL: fake.url, SUPABASE_SERVICE_ROLE_KEY: 'nope' })!;
  await assert.rejects(
    wrong('supabase://contracts/big.bin'),
    (e: unknown) => e instanceof DocpipeError && e.code === 'DP_ERR_PROVIDER_UNAVAILABLE',
  );
  const read = createSupabaseReader(env())!;
  await assert.rejects(
    read('supabase://contracts/fail-500/x.pdf'),
    (e: unknown) => !(e instanceof DocpipeError) && /HTTP 500/.test((e as Error).message),
  );
});

test('LocalFileSource reads supabase:// through the reader and applies max_bytes', async () => {
  const files = new LocalFileSource({ allowedRoots: [], maxBytes: 1024, remote: { supabase: createSupabaseReader(env()) } });
  const f = await files.read('supabase://contracts/nda/mutual nda.pdf');
  assert.equal(f.name, 'mutual nda.pdf');
  assert.equal(f.location, 'supabase://contracts/nda/mutual nda.pdf');
  await assert.rejects(
    files.read('supabase://contracts/big.bin'),
    (e: unknown) => e instanceof DocpipeError && e.code === 'DP_ERR_FILE_TOO_LARGE',
  );
  const unconfigured = new LocalFileSource({ allowedRoots: [], maxBytes: 1024 });
  await assert.rejects(
    unconfigured.read('supabase://contracts/big.bin'),
    (e: unknown) => e instanceof DocpipeError && e.code === 'DP_ERR_PROVIDER_UNAVAILABLE',
  );
});

test('an aborted download rejects', async () => {
  const read = createSupabaseReader(env())!;
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(read('supabase://contracts/big.bin', ac.signal));
});
