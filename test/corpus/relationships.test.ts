import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { loadGraph } from '../../src/store/neo4j/graph-export.ts';
import { writeExport } from '../../src/graph/export/write.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { corpusText, emailBody, runEntityStages, seedDocument, type SeededDocument } from '../stages/ner-seed.ts';

let db: TestDb;
let outDir: string;
before(async () => {
  db = await createTestDb('relationships');
  outDir = mkdtempSync(path.join(tmpdir(), 'docpipe-export-'));
});
after(async () => {
  await db.drop();
  rmSync(outDir, { recursive: true, force: true });
});

const runAll = async (doc: SeededDocument) => (await runEntityStages(db.sql, doc, { relationships: true })).out;

interface Rel {
  relationship_key: string;
  relationship_type: string;
  from_node_id: string;
  to_node_id: string;
  chunk_uuid: string | null;
  method: string;
  document_uuid: string;
}

const rels = (documentUuid: string) => db.sql<Rel[]>`
  SELECT relationship_key, relationship_type, from_node_id, to_node_id, chunk_uuid, method, document_uuid
  FROM neo4j_relationships_staging WHERE document_uuid = ${documentUuid} ORDER BY relationship_key`;

const nameOf = async (uuid: string) =>
  (
    await db.sql<
      Array<{ canonical_name: string }>
    >`SELECT canonical_name FROM neo4j_canonical_entities WHERE canonical_entity_uuid = ${uuid}`
  )[0]?.canonical_name;

test('a court e-mail: structure, entities, case roles and the judge, with provenance; a re-run leaves the same rows', async () => {
  const [project] = await db.sql<
    Array<{ id: string; project_uuid: string }>
  >`INSERT INTO projects (name) VALUES ('pacer') RETURNING id, project_uuid`;
  const file = 'eml/nef_flmd_1_plain.eml';
  const doc = await seedDocument(db.sql, {
    name: file,
    text: await emailBody(file),
    size: 600,
    overlap: 100,
    projectId: Number(project!.id),
  });
  const out = await runAll(doc);
  assert.equal(out['status'], 'success');
  const rows = await rels(doc.documentUuid);
  assert.equal(out['relationship_count'], rows.length);
  const of = (t: string) => rows.filter((r) => r.relationship_type === t);
  assert.equal(of('PART_OF').length, doc.chunkCount);
  assert.equal(of('FIRST_CHUNK').length, 1);
  assert.equal(of('NEXT_CHUNK').length, doc.chunkCount - 1);
  assert.deepEqual(
    of('BELONGS_TO').map((r) => r.to_node_id),
    [project!.project_uuid],
  );
  const mentions = await db.sql`SELECT count(*)::int AS n FROM neo4j_entity_mentions WHERE document_uuid = ${doc.documentUuid}`;
  assert.equal(of('MEMBER_OF_CLUSTER').length, mentions[0]!['n']);
  assert.ok(of('HAS_ENTITY').length > 0);
  assert.deepEqual(await Promise.all(of('PLAINTIFF_IN').map((r) => nameOf(r.from_node_id))), ['Heartbeat of Miami, Inc.']);
  // the caption's defendant, and the one the order names "Defendant Gabriella Oropesa"
  assert.deepEqual((await Promise.all(of('DEFENDANT_IN').map((r) => nameOf(r.from_node_id)))).sort(), [
    'Gabriella Oropesa',
    "Jane's Revenge",
  ]);
  assert.deepEqual(await Promise.all(of('JUDGE_OF').map((r) => nameOf(r.from_node_id))), ['Kathryn Kimball Mizelle']);
  for (const r of [...of('PLAINTIFF_IN'), ...of('JUDGE_OF'), ...of('HAS_ENTITY')]) {
    assert.ok(r.chunk_uuid, `${r.relationship_key} has no chunk provenance`);
    assert.equal(r.document_uuid, doc.documentUuid);
    assert.ok(r.method);
  }
  await runAll(doc);
  assert.deepEqual(await rels(doc.documentUuid), rows);
});

test('a contract: PARTY_TO for its parties, from the text and from the chunking metadata', async () => {
  const file = 'txt/severance__1104017_2006-12-11_SEVERANCE_AGREEMENT.txt';
  const metadata = {
    parties: [
      { name: 'I-many, Inc.', roles: ['company'] },
      { name: 'Anthony Todd Shytle', roles: ['executive'] },
    ],
    judges: [],
  };
  const doc = await seedDocument(db.sql, { name: file, text: corpusText(file), metadata });
  await runAll(doc);
  const rows = await rels(doc.documentUuid);
  const parties = await Promise.all(rows.filter((r) => r.relationship_type === 'PARTY_TO').map((r) => nameOf(r.from_node_id)));
  assert.deepEqual([...new Set(parties)].sort(), ['Anthony Todd Shytle', 'I-many, Inc.']);
});

/** Applies the Cypher batches the way MERGE does: nodes by (label, uuid), relationships by (type, key). */
function loadMerge(
  batches: Array<{ statement: string; params: { rows: Array<Record<string, unknown>> } }>,
  graph: { nodes: Map<string, unknown>; rels: Map<string, unknown> },
) {
  for (const b of batches) {
    const node = /^UNWIND \$rows AS row MERGE \(n:(\w+) \{uuid: row\.uuid\}\) SET n \+= row\.props$/.exec(b.statement);
    const rel =
      /^UNWIND \$rows AS row MATCH \(a:(\w+) \{uuid: row\.from\}\) MATCH \(b:(\w+) \{uuid: row\.to\}\) MERGE \(a\)-\[r:(\w+) \{key: row\.key\}\]->\(b\) SET r \+= row\.props$/.exec(
        b.statement,
      );
    assert.ok(node || rel, `unexpected statement ${b.statement}`);
    for (const row of b.params.rows) {
      if (node) graph.nodes.set(`${node[1]}:${String(row['uuid'])}`, row['props']);
      if (rel) {
        assert.ok(
          graph.nodes.has(`${rel[1]}:${String(row['from'])}`) && graph.nodes.has(`${rel[2]}:${String(row['to'])}`),
          `dangling ${String(row['key'])}`,
        );
        graph.rels.set(`${rel[3]}:${String(row['key'])}`, row['props']);
      }
    }
  }
}

test('the export is deterministic, has no duplicate ids or rows, and loads twice without duplicates', async () => {
  const graph = await loadGraph(db.sql);
  const first = writeExport(graph, path.join(outDir, 'a'));
  const second = writeExport(await loadGraph(db.sql), path.join(outDir, 'b'));
  assert.equal(first.dangling, 0);
  assert.deepEqual(first, second);
  for (const f of first.files)
    assert.equal(readFileSync(path.join(outDir, 'a', f), 'utf8'), readFileSync(path.join(outDir, 'b', f), 'utf8'), f);

  // CSV: neo4j-admin headers, ids unique across node files, relationship rows unique
  const csvDir = path.join(outDir, 'a', 'csv');
  const ids = new Set<string>();
  let nodeRows = 0;
  for (const f of readdirSync(csvDir).filter((n) => n.startsWith('nodes_'))) {
    const text = readFileSync(path.join(csvDir, f), 'utf8');
    const [header] = text.split('\n');
    assert.match(header!, /^uuid:ID,.*,:LABEL$/);
    for (const m of text.matchAll(/^([0-9a-f-]{36}),/gm)) {
      assert.ok(!ids.has(m[1]!), `duplicate node id ${m[1]}`);
      ids.add(m[1]!);
      nodeRows++;
    }
  }
  assert.equal(nodeRows, graph.nodes.length);
  const relText = readFileSync(path.join(csvDir, 'relationships.csv'), 'utf8');
  assert.match(relText.split('\n')[0]!, /^:START_ID,:END_ID,:TYPE,key:string/);
  const relLines = relText.trim().split('\n').slice(1);
  assert.equal(relLines.length, graph.relationships.length);
  assert.equal(new Set(relLines).size, relLines.length);
  for (const line of relLines) {
    const [from, to] = line.split(',');
    assert.ok(ids.has(from!) && ids.has(to!), `relationship to an unknown node: ${line.slice(0, 120)}`);
  }

  // Cypher: parameterised UNWIND … MERGE batches; loading them twice gives the same graph
  const cypher = readFileSync(path.join(outDir, 'a', 'cypher', 'graph.cypher'), 'utf8');
  assert.match(cypher, /UNWIND \$rows AS row MERGE \(n:Document \{uuid: row\.uuid\}\)/);
  assert.ok(!/MERGE[^\n]*"[0-9a-f-]{36}"/.test(cypher), 'no literal ids in statements: they are parameters');
  const params = JSON.parse(readFileSync(path.join(outDir, 'a', 'cypher', 'params.json'), 'utf8')) as {
    batches: Array<{ statement: string; params: { rows: Array<Record<string, unknown>> } }>;
  };
  const loaded = { nodes: new Map<string, unknown>(), rels: new Map<string, unknown>() };
  loadMerge(params.batches, loaded);
  const once = { nodes: loaded.nodes.size, rels: loaded.rels.size };
  loadMerge(params.batches, loaded);
  assert.deepEqual({ nodes: loaded.nodes.size, rels: loaded.rels.size }, once);
  assert.equal(once.nodes, graph.nodes.length);
  assert.equal(once.rels, graph.relationships.length);
});

test('docpipe export neo4j: writes the files from the pipeline store; a pipeline without a store is a clear error', async () => {
  const { exportNeo4jCommand } = await import('../../src/cli/export.ts');
  const logs: string[] = [];
  const errors: string[] = [];
  const out = { log: (m: string) => logs.push(m), error: (m: string) => errors.push(m) };
  const previous = process.env['DATABASE_URL'];
  try {
    process.env['DATABASE_URL'] = db.url;
    const code = await exportNeo4jCommand(path.resolve('pipeline.yaml'), path.join(outDir, 'cli'), out);
    assert.equal(code, 0, errors.join('\n'));
    assert.match(logs[0]!, /^exported \d+ nodes and \d+ relationships/);
    assert.deepEqual(
      readFileSync(path.join(outDir, 'cli', 'csv', 'relationships.csv'), 'utf8'),
      readFileSync(path.join(outDir, 'a', 'csv', 'relationships.csv'), 'utf8'),
    );
    process.env['DATABASE_URL'] = 'none';
    assert.equal(await exportNeo4jCommand(path.resolve('pipeline.yaml'), path.join(outDir, 'cli2'), out), 1);
    assert.match(errors.at(-1)!, /has no store/);
  } finally {
    if (previous === undefined) delete process.env['DATABASE_URL'];
    else process.env['DATABASE_URL'] = previous;
  }
});
