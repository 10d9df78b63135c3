import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createOpenAiLlm } from '../../src/providers/llm/openai.ts';
import { sqlLlmCache } from '../../src/store/llm-cache.ts';
import chunking, { chunkOptions } from '../../stages/chunking.ts';
import cleanCat from '../../stages/clean-cat.ts';
import { documentOf, startFakeOpenAi } from '../fakes/openai-server.ts';
import { createTestContext } from '../../src/testing/index.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { insertSource, llmSettings, testProviders } from './clean-cat.corpus.ts';

interface ChunkRow {
  id: string;
  chunk_uuid: string;
  chunk_index: number;
  text: string;
  char_start: number;
  char_end: number;
  page_start: number | null;
  page_end: number | null;
  token_count: number;
}

let db: TestDb;
before(async () => {
  db = await createTestDb('chunking');
});
after(async () => {
  await db.drop();
});

async function runBoth(file: string, raw: string, ocrMetadata: Record<string, unknown>, options: Record<string, unknown> = {}) {
  const src = await insertSource(db.sql, file, raw, ocrMetadata);
  const msg = { document_uuid: src.uuid, source_doc_sql_id: src.id };
  const cc = await cleanCat.run(msg, createTestContext({ store: { sql: db.sql }, providers: testProviders(), msg, stage: 'clean-cat' }));
  const ctx = createTestContext({ store: { sql: db.sql }, providers: testProviders(), msg: cc, stage: 'chunking', options });
  const out = await chunking.run(cc, ctx);
  return { cc, out, ctx };
}

async function chunksOf(docId: number): Promise<ChunkRow[]> {
  return db.sql<
    ChunkRow[]
  >`SELECT id, chunk_uuid, chunk_index, text, char_start, char_end, page_start, page_end, token_count FROM neo4j_chunks WHERE document_id = ${docId} ORDER BY chunk_index`;
}

test('chunk uuids are stable per (document, index) and differ across documents; fewer chunks on re-run delete the extra rows', async () => {
  const body = Array.from(
    { length: 40 },
    (_, i) => `${i + 1}. The party shall perform obligation number ${i + 1} in full and on time, as agreed.`,
  ).join('\n');
  const a = await runBoth('a.txt', `AGREEMENT\n\n${body}`, {}, { max_tokens: 64, overlap_tokens: 8 });
  const b = await runBoth('b.txt', `AGREEMENT\n\n${body}`, {}, { max_tokens: 64, overlap_tokens: 8 });
  const ra = await chunksOf(a.cc.neo4j_doc_sql_id);
  const rb = await chunksOf(b.cc.neo4j_doc_sql_id);
  assert.ok(ra.length > 5);
  assert.equal(ra.length, rb.length);
  assert.equal(new Set([...ra, ...rb].map((r) => r.chunk_uuid)).size, ra.length * 2);
  // a bigger budget gives fewer chunks: the rows beyond the new count are gone, the first keep their uuid
  const out = await chunking.run(
    a.cc,
    createTestContext({ store: { sql: db.sql }, providers: testProviders(), msg: a.cc, options: { max_tokens: 400, overlap_tokens: 8 } }),
  );
  const after = await chunksOf(a.cc.neo4j_doc_sql_id);
  assert.equal(after.length, out.chunk_count);
  assert.ok(after.length < ra.length);
  assert.equal(after[0]!.chunk_uuid, ra[0]!.chunk_uuid);
  assert.equal(after[0]!.id, ra[0]!.id);
});

test('chunking options are validated', () => {
  assert.deepEqual(chunkOptions({}), { maxTokens: 512, overlapTokens: 64, minTokens: 64 });
  assert.equal(chunkOptions({ max_tokens: '256' }).maxTokens, 256);
  assert.throws(() => chunkOptions({ max_tokens: 'lots' }), /max_tokens/);
  assert.throws(() => chunkOptions({ max_tokens: 100, overlap_tokens: 100 }), /overlap_tokens/);
});

test('with an LLM, facts the rules missed are filled only when found in the text', async () => {
  const fake = await startFakeOpenAi((body) => {
    const doc = documentOf(body);
    return doc.includes('Acme')
      ? {
          case_name: null,
          court: 'Court of Chancery of the State of Delaware',
          parties: [
            { name: 'Acme Widgets LLC', role: 'plaintiff' },
            { name: 'Invented Party Inc.', role: 'defendant' },
          ],
          judges: ['Vice Chancellor Laster'],
        }
      : { case_name: null, court: null, parties: [], judges: [] };
  });
  try {
    const llm = createOpenAiLlm(llmSettings(fake.baseURL), sqlLlmCache(db.sql));
    const raw =
      'IN THE COURT OF CHANCERY OF THE STATE OF DELAWARE\n\nAcme Widgets LLC brought this action on March 3, 2021 seeking $1,500,000.\n\nVice Chancellor Laster presiding.';
    const src = await insertSource(db.sql, 'chancery.txt', raw, {});
    const msg = { document_uuid: src.uuid, source_doc_sql_id: src.id };
    const cc = await cleanCat.run(msg, createTestContext({ store: { sql: db.sql }, providers: testProviders(), msg }));
    await chunking.run(cc, createTestContext({ store: { sql: db.sql }, providers: testProviders(llm), msg: cc }));
    const [doc] = await db.sql<
      { cleaned_text: string; metadata_json: Record<string, unknown> }[]
    >`SELECT cleaned_text, metadata_json FROM neo4j_documents WHERE id = ${cc.neo4j_doc_sql_id}`;
    const m = doc!.metadata_json as {
      parties: Array<{ name: string; roles: string[]; span: [number, number]; source: string }>;
      judges: Array<{ name: string; source: string }>;
      amounts: Array<{ value: number; currency: string }>;
      dates: Array<{ iso: string }>;
      facts_method: string;
    };
    assert.equal(m.facts_method, 'rules+llm');
    assert.deepEqual(
      m.parties.map((p) => p.name),
      ['Acme Widgets LLC'],
    ); // the invented party is dropped
    assert.equal(doc!.cleaned_text.slice(...m.parties[0]!.span), 'Acme Widgets LLC');
    assert.deepEqual(
      m.amounts.map((a) => [a.value, a.currency]),
      [[1500000, 'USD']],
    );
    assert.deepEqual(
      m.dates.map((d) => d.iso),
      ['2021-03-03'],
    );
    const calls = fake.calls;
    await chunking.run(cc, createTestContext({ store: { sql: db.sql }, providers: testProviders(llm), msg: cc }));
    assert.equal(fake.calls, calls, 'the re-run is answered from llm_cache');
  } finally {
    await fake.close();
  }
});
