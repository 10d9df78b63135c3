import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import relationships from '../../stages/relationships.ts';
import resolution from '../../stages/resolution.ts';
import { loadGraph } from '../../src/store/neo4j/graph-export.ts';
import { writeExport } from '../../src/graph/export/write.ts';
import { replaceMentions } from '../../src/store/neo4j/mentions.ts';
import type { EntityType, MentionMeta } from '../../src/nlp/ner/types.ts';
import { createTestContext } from '../../src/testing/index.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { entityProviders, seedDocument, type SeededDocument } from './ner-seed.ts';

let db: TestDb;
let outDir: string;
before(async () => {
  db = await createTestDb('projectres');
  outDir = mkdtempSync(path.join(tmpdir(), 'docpipe-project-export-'));
});
after(async () => {
  await db.drop();
  rmSync(outDir, { recursive: true, force: true });
});

/** What ner writes into metadata_json: party roles beyond its own type (the #17 contract), forRole/forParty on lawyers. */
type Spec = [EntityType, string, Record<string, string>?];

/** A document of a project with the given mentions, written the way ner writes them (offsets found in the text). */
async function seed(name: string, text: string, specs: Spec[], projectId: number | null): Promise<SeededDocument> {
  const doc = await seedDocument(db.sql, { name, text, size: 100_000, ...(projectId === null ? {} : { projectId }) });
  const [chunk] = await db.sql<
    Array<{ id: string; chunk_uuid: string }>
  >`SELECT id, chunk_uuid FROM neo4j_chunks WHERE document_id = ${doc.docId}`;
  let from = 0;
  await replaceMentions(
    db.sql,
    doc.documentUuid,
    specs.map(([type, value, meta]) => {
      const start = text.indexOf(value, from);
      assert.ok(start >= 0, value);
      from = start + value.length;
      return {
        type,
        start,
        end: start + value.length,
        value,
        confidence: 0.9,
        method: 'rules' as const,
        chunkId: Number(chunk!.id),
        chunkUuid: chunk!.chunk_uuid,
        ...(meta ? { meta: meta as unknown as MentionMeta } : {}),
      };
    }),
  );
  return doc;
}

const resolve = (doc: SeededDocument) => {
  const msg = { document_uuid: doc.documentUuid, neo4j_doc_sql_id: doc.docId, mention_count: 1 };
  return resolution.run(msg, createTestContext({ store: { sql: db.sql }, providers: entityProviders(), msg }));
};

const project = async (name: string) =>
  Number((await db.sql<Array<{ id: string }>>`INSERT INTO projects (name) VALUES (${name}) RETURNING id`)[0]!.id);

/** The variants each document of the project names its parties by. */
const VARIANTS = {
  appellant: ['Rajesh Kumar Sharma', 'RAJESH KUMAR SHARMA', 'R. K. Sharma'],
  respondent: ['State Bank of India', 'STATE BANK OF INDIA', 'State Bank of India Ltd.', 'SBI'],
  lawyer: ['Arvind Datar', 'Arvind P. Datar'],
  judge: ['Ravi Shankar Menon', 'R. S. Menon'],
};

function judgment(i: number): { text: string; specs: Spec[] } {
  const pick = (list: string[]) => list[i % list.length]!;
  const [app, resp, lawyer, judge] = [pick(VARIANTS.appellant), pick(VARIANTS.respondent), pick(VARIANTS.lawyer), pick(VARIANTS.judge)];
  const text =
    `IN THE HIGH COURT OF DELHI AT NEW DELHI\nCivil Appeal No. 4567 of 2021\n${app} ... Appellant\nversus\n${resp} ... Respondent\n` +
    `Through: Mr. ${lawyer}, Advocate for the Appellant.\nCORAM: Hon'ble Mr. Justice ${judge}\nOrder ${i + 1} of the series.\n`;
  return {
    text,
    specs: [
      ['COURT', 'HIGH COURT OF DELHI AT NEW DELHI'],
      ['CASE_NUMBER', 'Civil Appeal No. 4567 of 2021'],
      ['PERSON', app, { role: 'appellant' }],
      ['ORG', resp, { role: 'respondent' }],
      ['LAWYER', `Mr. ${lawyer}`, { forRole: 'appellant' }],
      ['JUDGE', judge],
    ],
  };
}

interface ProjectEntityRow {
  project_entity_uuid: string;
  entity_family: string;
  canonical_name: string;
  aliases: string[];
}

const projectEntities = (projectId: number) => db.sql<ProjectEntityRow[]>`
  SELECT project_entity_uuid, entity_family, canonical_name, aliases FROM neo4j_project_entities WHERE project_id = ${projectId} ORDER BY project_entity_uuid`;

const snapshot = (projectId: number) =>
  Promise.all([
    db.sql`SELECT id, project_entity_uuid, entity_family, entity_type, normalized_name, canonical_name, name_keys, aliases, updated_at FROM neo4j_project_entities WHERE project_id = ${projectId} ORDER BY id`,
    db.sql`SELECT canonical_entity_uuid, project_entity_id, project_entity_uuid, project_match FROM neo4j_canonical_entities WHERE project_id = ${projectId} ORDER BY canonical_entity_uuid`,
  ]);

let concurrentProject = 0;
const docs: SeededDocument[] = [];

test('8 documents of one project resolved at the same moment: one project entity per party, each join explained; re-runs leave the same rows', async () => {
  concurrentProject = await project('concurrent');
  for (let i = 0; i < 8; i++) {
    const { text, specs } = judgment(i);
    docs.push(await seed(`order-${i}.txt`, text, specs, concurrentProject));
  }
  await Promise.all(docs.map(resolve));

  const rows = await projectEntities(concurrentProject);
  const holding = (variants: string[]) => rows.filter((r) => r.aliases.some((a) => variants.some((v) => a.includes(v))));
  for (const [party, variants] of Object.entries(VARIANTS)) {
    const found = holding(variants);
    assert.equal(found.length, 1, `${party}: ${found.map((r) => r.canonical_name).join(' / ')}`);
    assert.ok(
      variants.every((v) => found[0]!.aliases.some((a) => a.includes(v))),
      `${party}: every variant joined (${found[0]!.aliases.join(' / ')})`,
    );
  }
  assert.deepEqual(rows.map((r) => r.entity_family).sort(), ['case_number', 'court', 'org', 'person', 'person', 'person']);
  assert.equal(holding(VARIANTS.respondent)[0]!.canonical_name, 'State Bank of India Ltd.', 'the fullest name, whatever the order');

  const links = await db.sql<Array<{ project_entity_uuid: string | null; method: string; score: number }>>`
    SELECT c.project_entity_uuid, c.project_match->>'method' AS method, (c.project_match->>'score')::float AS score
    FROM neo4j_canonical_entities c JOIN neo4j_documents d ON d.id = c.document_id WHERE d.project_id = ${concurrentProject}`;
  assert.equal(links.length, 8 * 6);
  for (const l of links) {
    assert.ok(l.project_entity_uuid, 'every document entity joined');
    assert.ok(['new', 'exact', 'alias', 'defined-term', 'abbreviation', 'score'].includes(l.method), l.method);
    assert.ok(l.score >= 0.9 && l.score <= 1);
  }
  for (const r of rows)
    assert.equal(
      links.filter((l) => l.project_entity_uuid === r.project_entity_uuid && l.method === 'new').length,
      1,
      `${r.canonical_name} created once`,
    );

  const first = await snapshot(concurrentProject);
  await resolve(docs[3]!);
  assert.deepEqual(await snapshot(concurrentProject), first, 'a re-run of one document');
  await Promise.all([...docs].reverse().map(resolve));
  assert.deepEqual(await snapshot(concurrentProject), first, 'a concurrent re-run of all, in another order');
});

test('a document without a project keeps per-document resolution: no project entity, no link', async () => {
  const before = (await db.sql`SELECT count(*)::int AS n FROM neo4j_project_entities`)[0]!['n'];
  const { text, specs } = judgment(0);
  const doc = await seed('loose.txt', text, specs, null);
  await resolve(doc);
  const rows = await db.sql`SELECT project_entity_id, project_match FROM neo4j_canonical_entities WHERE document_id = ${doc.docId}`;
  assert.equal(rows.length, 6);
  assert.ok(rows.every((r) => r['project_entity_id'] === null && r['project_match'] === null));
  assert.equal((await db.sql`SELECT count(*)::int AS n FROM neo4j_project_entities`)[0]!['n'], before);
});

test('documents arriving one by one join by exact name, abbreviation, score and alias', async () => {
  const projectId = await project('sequential');
  const methods: Array<[string, unknown]> = [];
  for (const [i, name] of [
    'State Bank of India',
    'STATE BANK OF INDIA',
    'SBI',
    'State Bank of India Limited',
    'State Bank of India Ltd.',
  ].entries()) {
    const doc = await seed(`seq-${i}.txt`, `Notice to ${name}.`, [['ORG', name]], projectId);
    await resolve(doc);
    const [row] = await db.sql<
      Array<{ project_match: Record<string, unknown> }>
    >`SELECT project_match FROM neo4j_canonical_entities WHERE document_id = ${doc.docId}`;
    methods.push([name, row!.project_match]);
  }
  assert.deepEqual(methods, [
    ['State Bank of India', { method: 'new', score: 1, matched: 'state bank of india' }],
    ['STATE BANK OF INDIA', { method: 'exact', score: 1, matched: 'state bank of india' }],
    ['SBI', { method: 'abbreviation', score: 0.9, rule: 'acronym', matched: 'state bank of india' }],
    ['State Bank of India Limited', { method: 'score', score: 0.95, rule: 'legal-form', matched: 'state bank of india' }],
    ['State Bank of India Ltd.', { method: 'alias', score: 1, matched: 'state bank of india ltd' }],
  ]);
  assert.equal((await projectEntities(projectId)).length, 1);
});

test('an entity that cannot join the project entity holding its normalised name gets its own (no unique-index error)', async () => {
  const projectId = await project('anchors');
  const docs3 = [
    ['John Smith'],
    ['John Smith', 'John Q. Smith'],
    // "Jon Smith" cannot be "John Q. Smith": this document's "John Smith" cannot join the first one
    ['John Smith', 'John Smith', 'Jon Smith'],
  ];
  for (const [i, names] of docs3.entries()) {
    const doc = await seed(
      `anchor-${i}.txt`,
      names.join(' met ') + '.',
      names.map((n): Spec => ['PERSON', n]),
      projectId,
    );
    await resolve(doc);
  }
  const rows = await db.sql<Array<{ normalized_name: string; name_keys: string[] }>>`
    SELECT normalized_name, name_keys FROM neo4j_project_entities WHERE project_id = ${projectId} ORDER BY id`;
  assert.deepEqual(
    [...rows],
    [
      { normalized_name: 'john smith', name_keys: ['john q smith', 'john smith'] },
      { normalized_name: 'jon smith', name_keys: ['john smith', 'jon smith'] },
    ],
    'the second one is anchored on its other name',
  );
});

test('relationships and the export carry project entities and the shared case with stable keys', async () => {
  for (const doc of docs) {
    const msg = { document_uuid: doc.documentUuid, neo4j_doc_sql_id: doc.docId, canonical_count: 6 };
    await relationships.run(msg, createTestContext({ store: { sql: db.sql }, providers: entityProviders(), msg }));
  }
  const graph = await loadGraph(db.sql);
  const projectNodes = graph.nodes.filter((n) => n.label === 'ProjectEntity');
  assert.deepEqual(
    projectNodes.map((n) => n.id).sort(),
    (await projectEntities(concurrentProject)).map((r) => r.project_entity_uuid).sort(),
  );
  assert.ok(projectNodes.every((n) => n.properties['document_count'] === 8));
  const cases = graph.nodes.filter((n) => n.label === 'Case');
  assert.deepEqual(
    cases.map((n) => n.properties['case_number']),
    ['CIVIL APPEAL NO. 4567 OF 2021'],
    'one case for the eight orders',
  );
  const of = (type: string) => graph.relationships.filter((r) => r.type === type);
  assert.equal(of('RESOLVES_TO').length, 8 * 6);
  for (const type of ['IN_CASE', 'PRESIDES_OVER', 'FILED_IN', 'REPRESENTS']) assert.equal(of(type).length, 8, type);
  assert.ok(
    of('REPRESENTS').every(
      (r) => r.properties['role'] === 'appellant' && r.properties['side'] === 'initiating' && r.properties['method'] === 'for-role',
    ),
  );
  assert.ok(of('PARTY_TO').every((r) => typeof r.properties['span_start'] === 'number' && r.properties['chunk_uuid']));

  const a = writeExport(graph, path.join(outDir, 'a'));
  assert.equal(a.dangling, 0);
  for (const doc of docs.slice(0, 2)) {
    await resolve(doc);
    const msg = { document_uuid: doc.documentUuid, neo4j_doc_sql_id: doc.docId, canonical_count: 6 };
    await relationships.run(msg, createTestContext({ store: { sql: db.sql }, providers: entityProviders(), msg }));
  }
  writeExport(await loadGraph(db.sql), path.join(outDir, 'b'));
  for (const f of a.files)
    assert.equal(readFileSync(path.join(outDir, 'b', f), 'utf8'), readFileSync(path.join(outDir, 'a', f), 'utf8'), f);
  const cypher = readFileSync(path.join(outDir, 'a', 'cypher', 'graph.cypher'), 'utf8');
  assert.match(cypher, /MERGE \(n:ProjectEntity \{uuid: row\.uuid\}\)/);
  assert.match(cypher, /MERGE \(n:Case \{uuid: row\.uuid\}\)/);
  assert.match(cypher, /CREATE CONSTRAINT docpipe_projectentity_uuid IF NOT EXISTS FOR \(n:ProjectEntity\) REQUIRE n\.uuid IS UNIQUE/);
});
