import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildRelationships } from '../../src/graph/build.ts';
import { constraintStatements, cypherBatches } from '../../src/graph/export/cypher.ts';
import { csvField, renderCsv } from '../../src/graph/export/csv.ts';
import { sortGraph, toProperties } from '../../src/graph/export/model.ts';
import { metadataRoles } from '../../src/graph/roles.ts';

const input = {
  documentUuid: 'd0000000-0000-4000-8000-000000000000',
  projectUuid: null,
  metadata: { parties: [{ name: 'Acme Corp.', roles: ['plaintiff'] }], judges: [{ name: 'Ann Lee' }] },
  chunks: [
    { uuid: 'c1', index: 0, text: 'Acme Corp. v. Bo Ng. Judge Ann Lee.' },
    { uuid: 'c2', index: 1, text: 'Judge Ann Lee.' },
  ],
  mentions: [
    { uuid: 'm1', chunkUuid: 'c1', canonicalUuid: 'e1', type: 'ORG', start: 0, end: 10, method: 'case-name', role: 'plaintiff' },
    { uuid: 'm2', chunkUuid: 'c1', canonicalUuid: 'e2', type: 'PERSON', start: 14, end: 19, method: 'case-name', role: 'defendant' },
    { uuid: 'm3', chunkUuid: 'c1', canonicalUuid: 'e3', type: 'JUDGE', start: 27, end: 34, method: 'rules' },
    { uuid: 'm4', chunkUuid: 'c2', canonicalUuid: 'e3', type: 'JUDGE', start: 6, end: 13, method: 'rules' },
  ],
  entities: [
    { uuid: 'e1', type: 'ORG', name: 'Acme Corp.', normalized: 'acme corp' },
    { uuid: 'e2', type: 'PERSON', name: 'Bo Ng', normalized: 'bo ng' },
    { uuid: 'e3', type: 'JUDGE', name: 'Ann Lee', normalized: 'ann lee' },
  ],
};

test('relationships: structure, clusters, roles; keys are unique and stable', () => {
  const rels = buildRelationships(input);
  const types = rels.map((r) => r.type).sort();
  assert.deepEqual(types, [
    'DEFENDANT_IN',
    'FIRST_CHUNK',
    'HAS_ENTITY',
    'HAS_ENTITY',
    'HAS_ENTITY',
    'HAS_ENTITY',
    'JUDGE_OF',
    'MEMBER_OF_CLUSTER',
    'MEMBER_OF_CLUSTER',
    'MEMBER_OF_CLUSTER',
    'MEMBER_OF_CLUSTER',
    'NEXT_CHUNK',
    'PART_OF',
    'PART_OF',
    'PLAINTIFF_IN',
  ]);
  assert.equal(new Set(rels.map((r) => r.key)).size, rels.length);
  assert.deepEqual(buildRelationships(input), rels);
  const plaintiff = rels.find((r) => r.type === 'PLAINTIFF_IN')!;
  assert.equal(plaintiff.properties['support'], 2, 'the caption and the metadata both support the role: one edge');
  assert.equal(rels.find((r) => r.type === 'JUDGE_OF')!.properties['support'], 3);
});

test('metadata roles are read tolerantly', () => {
  assert.deepEqual(metadataRoles(undefined), { parties: [], judges: [] });
  assert.deepEqual(metadataRoles({ parties: { defendant: ['X Inc.'] }, judges: 'nope' }), {
    parties: [{ name: 'X Inc.', role: 'defendant' }],
    judges: [],
  });
});

test('CSV in neo4j-admin format: typed headers, quoting, ids; Cypher batches are parameterised', () => {
  const graph = sortGraph({
    nodes: [
      { label: 'Document', id: 'd1', properties: toProperties({ name: 'A, "quoted"\nname', pages: 3, meta: { a: 1 } }) },
      { label: 'CanonicalEntity', id: 'e1', properties: toProperties({ aliases: ['Acme', 'ACME|X'], mention_count: 2, confidence: 0.5 }) },
    ],
    relationships: [
      {
        key: 'K',
        type: 'PARTY_TO',
        fromLabel: 'CanonicalEntity',
        fromId: 'e1',
        toLabel: 'Document',
        toId: 'd1',
        properties: toProperties({ role: 'party' }),
      },
    ],
  });
  const files = renderCsv(graph);
  assert.equal(
    files.get('nodes_Document.csv'),
    'uuid:ID,meta:string,name:string,pages:long,:LABEL\nd1,"{""a"":1}","A, ""quoted""\nname",3,Document\n',
  );
  assert.equal(
    files.get('nodes_CanonicalEntity.csv'),
    'uuid:ID,aliases:string[],confidence:double,mention_count:long,:LABEL\ne1,Acme|ACME/X,0.5,2,CanonicalEntity\n',
  );
  assert.equal(files.get('relationships.csv'), ':START_ID,:END_ID,:TYPE,key:string,role:string\ne1,d1,PARTY_TO,K,party\n');
  assert.equal(csvField(''), '""');
  const batches = cypherBatches(graph, 1);
  assert.deepEqual(
    batches.map((b) => b.statement.split(' MERGE ')[1]?.split(' ')[0]),
    ['(n:Document', '(n:CanonicalEntity', '(a)-[r:PARTY_TO'],
  );
  assert.deepEqual(batches[2]!.params.rows, [{ key: 'K', from: 'e1', to: 'd1', props: { role: 'party' } }]);
});

test('project entities and cases export as their own labels, MERGEd on uuid before any relationship', () => {
  const graph = sortGraph({
    nodes: [
      { label: 'CanonicalEntity', id: 'e1', properties: toProperties({ name: 'SBI' }) },
      { label: 'Case', id: 'k1', properties: toProperties({ case_number: '1:20-cv-01234' }) },
      { label: 'ProjectEntity', id: 'p1', properties: toProperties({ name: 'State Bank of India', document_count: 40 }) },
    ],
    relationships: [
      {
        key: 'R1',
        type: 'RESOLVES_TO',
        fromLabel: 'CanonicalEntity',
        fromId: 'e1',
        toLabel: 'ProjectEntity',
        toId: 'p1',
        properties: toProperties({ match: 'abbreviation', score: 0.9 }),
      },
      {
        key: 'R2',
        type: 'FILED_IN',
        fromLabel: 'Case',
        fromId: 'k1',
        toLabel: 'CanonicalEntity',
        toId: 'e1',
        properties: toProperties({ mention_uuids: ['m1', 'm2'] }),
      },
    ],
  });
  const files = renderCsv(graph);
  assert.equal(
    files.get('nodes_ProjectEntity.csv'),
    'uuid:ID,document_count:long,name:string,:LABEL\np1,40,State Bank of India,ProjectEntity\n',
  );
  assert.equal(files.get('nodes_Case.csv'), 'uuid:ID,case_number:string,:LABEL\nk1,1:20-cv-01234,Case\n');
  assert.match(files.get('import-command.txt')!, /--nodes=nodes_ProjectEntity\.csv --nodes=nodes_Case\.csv/);
  const statements = cypherBatches(graph).map((b) => b.statement.split(' MERGE ')[1]?.split(' ')[0]);
  assert.deepEqual(statements, ['(n:ProjectEntity', '(n:Case', '(n:CanonicalEntity', '(a)-[r:FILED_IN', '(a)-[r:RESOLVES_TO']);
  assert.ok(constraintStatements().some((s) => s.includes('FOR (n:Case) REQUIRE n.uuid IS UNIQUE')));
});
