/**
 * Finding a document (issue #22.2): submitted documents keep their file name and trace id in the
 * state mirror; `docpipe doc` and the dashboard's list find them by uuid prefix or file name part
 * (glob characters literal), narrowed by state and stage. Real Redis, the fixture pipeline run in
 * this process (one document dead-lettered).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { docCommand } from '../../src/cli/doc.ts';
import { loadPipeline } from '../../src/config/load.ts';
import { traceIdOf } from '../../src/telemetry/spans.ts';
import { closeOps, openOps, type OpsContext } from '../../src/ops/connect.ts';
import type { DocumentReport } from '../../src/ops/doc.ts';
import { listDocuments, type DocumentList } from '../../src/ops/documents.ts';
import { createDocumentMachine } from '../../src/state/machine.ts';
import { Broker } from '../../src/streams/broker.ts';
import { connectRedis } from '../../src/streams/redis.ts';
import { firstStageFields } from '../../src/worker/intake.ts';
import { runFixturePipeline, silentLog, withEnv } from '../helpers/in-process.ts';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../helpers/redis.ts';
import { REPO } from '../helpers/runner-process.ts';

const PIPELINE = path.join(REPO, 'test/fixtures/ops/pipeline.yaml');
const prefix = uniquePrefix('find-doc');
const env = { DOCPIPE_PREFIX: prefix, REDIS_URL: TEST_REDIS_URL };
/** n → file path; n = 2 is poisoned (dead-lettered at enrich). */
const FILES: Record<number, string> = {
  1: '/cases/Smith v Jones complaint.pdf',
  2: '/cases/smith-deposition.PDF',
  3: 'supabase://bucket/leases/Acme lease 2021.docx',
  4: '/cases/[draft] memo*.txt',
  5: '/cases/2021-03-15 order.pdf',
};

async function run(
  fn: (out: { log: (s: string) => void; error: (s: string) => void }) => Promise<number>,
): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await withEnv(env, () => fn({ log: (s) => out.push(s), error: (s) => err.push(s) }));
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('finding documents', { timeout: 60_000 }, () => {
  const docs = new Map<number, string>();
  const traces = new Map<number, string>();
  let ops: OpsContext;
  const redis = new Redis(TEST_REDIS_URL);

  before(async () => {
    const config = loadPipeline(PIPELINE, { ...process.env, ...env });
    const conn = connectRedis(config.redis, silentLog, 'test:find');
    try {
      const broker = new Broker(conn, config, createDocumentMachine(config.stages.map((s) => s.name)));
      for (const [n, file] of Object.entries(FILES)) {
        const uuid = randomUUID();
        docs.set(Number(n), uuid);
        const fields = firstStageFields(
          { document_uuid: uuid, source_doc_sql_id: n, n: Number(n), meta: { tags: ['a'] }, file_path: file },
          config.pipelineVersion,
        );
        traces.set(Number(n), fields['trace']!);
        assert.equal((await broker.submit(uuid, fields)).published, true);
      }
    } finally {
      conn.disconnect();
    }
    await runFixturePipeline(PIPELINE, { ...env, POISON: '2' }, (r) => r.waitUntilIdle());
    ops = openOps(PIPELINE, { ...process.env, ...env });
  });

  after(async () => {
    await closeOps(ops);
    redis.disconnect();
    await dropPrefix(TEST_REDIS_URL, prefix);
  });

  const uuids = (list: DocumentList) => list.documents.map((d) => d.document_uuid).sort();
  const expect = (...ns: number[]) => ns.map((n) => docs.get(n)!).sort();

  test('the state mirror keeps the file name (last part of file_path) and the trace id from submission', async () => {
    for (const [n, file] of Object.entries(FILES)) {
      const hash = await redis.hgetall(`${prefix}:doc:${docs.get(Number(n))}`);
      assert.equal(hash['file_name'], file.split('/').pop());
      assert.equal(hash['trace_id'], traceIdOf(traces.get(Number(n))));
    }
    assert.equal(await redis.hget(`${prefix}:doc:${docs.get(2)}`, 'state'), 'failed', 'redrive and failure keep them');
  });

  test('by file name part (case-insensitive, glob characters literal), uuid prefix, state and stage', async () => {
    assert.deepEqual(uuids(await listDocuments(ops, { q: 'SMITH' })), expect(1, 2));
    assert.deepEqual(uuids(await listDocuments(ops, { q: ' v jones ' })), expect(1));
    assert.deepEqual(uuids(await listDocuments(ops, { q: '.pdf' })), expect(1, 2, 5));
    assert.deepEqual(uuids(await listDocuments(ops, { q: '2021-03-15' })), expect(5), 'hex digits and dashes, yet a file name part');
    assert.deepEqual(uuids(await listDocuments(ops, { q: '[draft] memo*' })), expect(4));
    assert.deepEqual(uuids(await listDocuments(ops, { q: '*' })), expect(4), 'a literal "*" in one file name');
    assert.deepEqual(uuids(await listDocuments(ops, { q: 's?ith' })), []);
    assert.deepEqual(uuids(await listDocuments(ops, { q: docs.get(3)!.slice(0, 13) })), expect(3), 'a uuid prefix');
    assert.deepEqual(
      uuids(await listDocuments(ops, { q: docs.get(3)!.slice(0, 6).toUpperCase() })),
      expect(3),
      'a short uuid prefix, any case',
    );
    assert.deepEqual(uuids(await listDocuments(ops, { q: 'smith', state: 'failed' })), expect(2));
    assert.deepEqual(uuids(await listDocuments(ops, { q: 'smith', state: 'completed' })), expect(1));
    const failedStage = (await redis.hget(`${prefix}:doc:${docs.get(2)}`, 'stage'))!;
    assert.deepEqual(uuids(await listDocuments(ops, { stage: failedStage, state: 'failed' })), expect(2));
    assert.deepEqual(uuids(await listDocuments(ops, { stage: 'no-such-stage' })), []);
    const all = await listDocuments(ops, { limit: 2 });
    assert.equal(all.matched, 5);
    assert.equal(all.documents.length, 2);
    assert.equal((await listDocuments(ops, { q: 'acme' })).documents[0]!.file_name, 'Acme lease 2021.docx');
  });

  test('docpipe doc: one match is shown, several are listed (exit 2), none is exit 1; a full uuid as before', async () => {
    const one = await run((o) => docCommand([PIPELINE, 'acme'], { json: true }, o));
    assert.equal(one.code, 0);
    const doc = JSON.parse(one.out) as DocumentReport;
    assert.equal(doc.document_uuid, docs.get(3));
    assert.equal(doc.file_name, 'Acme lease 2021.docx');
    assert.equal(doc.trace_id, traceIdOf(traces.get(3)));
    assert.equal(doc.state, 'completed');

    const text = await run((o) => docCommand([PIPELINE, docs.get(2)!.slice(0, 8)], {}, o));
    assert.equal(text.code, 0);
    assert.match(text.out, new RegExp(`document ${docs.get(2)}\\n  file      smith-deposition\\.PDF\\n  state     failed`));
    assert.match(text.out, new RegExp(`trace     ${traceIdOf(traces.get(2))}`));

    const several = await run((o) => docCommand([PIPELINE, 'smith'], {}, o));
    assert.equal(several.code, 2);
    assert.match(several.out, /^2 documents match "smith"; give more of the uuid or the name:/);
    for (const n of [1, 2]) assert.match(several.out, new RegExp(`${docs.get(n)}\\s+\\S`));
    assert.match(several.out, /smith-deposition\.PDF\s+failed/);
    assert.match(several.out, /Smith v Jones complaint\.pdf\s+completed/);

    const none = await run((o) => docCommand([PIPELINE, 'nothing-like-this'], {}, o));
    assert.equal(none.code, 1);
    assert.match(none.err, /no document matches "nothing-like-this"/);

    const exact = await run((o) => docCommand([PIPELINE, docs.get(4)!], { json: true }, o));
    assert.equal(exact.code, 0);
    assert.equal((JSON.parse(exact.out) as DocumentReport).file_name, '[draft] memo*.txt');
  });
});
