import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildRelationships, type DocumentGraphInput } from '../../src/graph/build.ts';
import { caseUuid, normalizeCaseNumber } from '../../src/graph/cases.ts';
import { roleOf, sideOf, type GraphMention } from '../../src/graph/roles.ts';
import type { StagedRelationship } from '../../src/graph/types.ts';

const DOC = 'd0000000-0000-4000-8000-000000000001';
const PROJECT = 'f0000000-0000-4000-8000-000000000001';

/** A document from chunk texts and [chunk, type, value as written, entity, extra] mentions; offsets found in the text. */
function doc(
  chunks: string[],
  specs: Array<[number, string, string, string, Partial<GraphMention>?]>,
  metadata: unknown = {},
): DocumentGraphInput {
  const used = new Map<number, number>();
  const mentions = specs.map(([chunk, type, value, entity, extra], i): GraphMention => {
    const start = chunks[chunk]!.indexOf(value, used.get(chunk) ?? 0);
    assert.ok(start >= 0, `${value} not in chunk ${chunk}`);
    used.set(chunk, start + value.length);
    return {
      uuid: `m${String(i).padStart(2, '0')}`,
      chunkUuid: `c${chunk}`,
      canonicalUuid: entity,
      type,
      start,
      end: start + value.length,
      method: 'rules',
      value,
      ...extra,
    };
  });
  const entities = [
    ...new Map(
      specs.map(([, type, value, entity]) => [
        entity,
        {
          uuid: entity,
          type,
          name: value,
          normalized: value
            .toLowerCase()
            .replace(/[^a-z0-9 ]/g, '')
            .replace(/^(mr|ms|hon) /, ''),
        },
      ]),
    ).values(),
  ];
  return {
    documentUuid: DOC,
    projectUuid: PROJECT,
    metadata,
    chunks: chunks.map((text, index) => ({ uuid: `c${index}`, index, text })),
    mentions,
    entities,
  };
}

const edges = (rels: readonly StagedRelationship[], type: string): Array<Record<string, unknown>> =>
  rels.filter((r) => r.type === type).map((r) => ({ from: r.fromId, to: r.toId, method: r.method, chunk: r.chunkUuid, ...r.properties }));

const caption = 'Rajesh Sharma ... Appellant\nversus\nState Bank of India ... Respondent No. 1\nUnion of India ... Respondent No. 2\n';
const captionMentions: Array<[number, string, string, string, Partial<GraphMention>?]> = [
  [0, 'PERSON', 'Rajesh Sharma', 'appellant', { role: 'appellant' }],
  [0, 'ORG', 'State Bank of India', 'sbi', { role: 'respondent' }],
  [0, 'ORG', 'Union of India', 'uoi', { role: 'respondent' }],
];

test('roles and sides: role words, plurals, sides of the case', () => {
  assert.equal(roleOf('Respondents'), 'respondent');
  assert.equal(roleOf('in re'), 'in-re');
  assert.equal(roleOf('counsel'), undefined);
  assert.equal(sideOf('appellant'), 'initiating');
  assert.equal(sideOf('creditor'), 'responding');
  assert.equal(sideOf('party'), undefined);
});

test('party edges carry role and side; plaintiffs and defendants keep their edge types', () => {
  const rels = buildRelationships(
    doc(
      [caption + 'Acme Inc. v. Bo Ng'],
      [...captionMentions, [0, 'ORG', 'Acme Inc.', 'acme', { role: 'plaintiff' }], [0, 'PERSON', 'Bo Ng', 'ng', { role: 'defendant' }]],
    ),
  );
  assert.deepEqual(
    edges(rels, 'PARTY_TO').map((e) => [e.from, e.role, e.side]),
    [
      ['appellant', 'appellant', 'initiating'],
      ['sbi', 'respondent', 'responding'],
      ['uoi', 'respondent', 'responding'],
    ],
  );
  assert.deepEqual(
    edges(rels, 'PLAINTIFF_IN').map((e) => [e.from, e.role, e.side]),
    [['acme', 'plaintiff', 'initiating']],
  );
  assert.deepEqual(
    edges(rels, 'DEFENDANT_IN').map((e) => [e.from, e.role, e.side]),
    [['ng', 'defendant', 'responding']],
  );
  const sbi = edges(rels, 'PARTY_TO').find((e) => e.from === 'sbi')!;
  assert.deepEqual(
    [sbi.chunk, sbi.span_start, sbi.span_end, sbi.mention_uuids, sbi.method],
    ['c0', caption.indexOf('State Bank'), caption.indexOf('State Bank') + 19, ['m01'], 'text'],
  );
});

test('"Through: Mr. A, Mr. B and Ms. C, Advocates" for the appellant: each lawyer REPRESENTS the appellant', () => {
  const text = 'For the Appellant: Through: Mr. Arvind Datar, Mr. Kunal Vajani and Ms. Meera Rao, Advocates.';
  const rels = buildRelationships(
    doc(
      [caption, text],
      [
        ...captionMentions,
        [1, 'LAWYER', 'Mr. Arvind Datar', 'datar', { forRole: 'appellant' }],
        [1, 'LAWYER', 'Mr. Kunal Vajani', 'vajani', { forRole: 'appellant' }],
        [1, 'LAWYER', 'Ms. Meera Rao', 'rao', { forRole: 'appellant' }],
      ],
    ),
  );
  assert.deepEqual(
    edges(rels, 'REPRESENTS'),
    ['Mr. Arvind Datar', 'Mr. Kunal Vajani', 'Ms. Meera Rao']
      .map((name, i) => ({
        from: ['datar', 'vajani', 'rao'][i],
        to: 'appellant',
        method: 'for-role',
        chunk: 'c1',
        role: 'appellant',
        side: 'initiating',
        span_start: text.indexOf(name),
        span_end: text.indexOf(name) + name.length,
        mention_uuids: [`m0${i + 3}`],
      }))
      .sort((a, b) => String(a.from).localeCompare(String(b.from))),
  );
});

test('"Advocate for Respondent Nos. 1 & 2": the lawyer REPRESENTS every respondent', () => {
  const text = 'Mr. Sunil Rao, Advocate for Respondent Nos. 1 & 2.';
  const rels = buildRelationships(
    doc([caption + text], [...captionMentions, [0, 'LAWYER', 'Mr. Sunil Rao', 'srao', { forRole: 'respondent' }]]),
  );
  assert.deepEqual(
    edges(rels, 'REPRESENTS').map((e) => [e.from, e.to, e.role, e.side, e.method]),
    [
      ['srao', 'sbi', 'respondent', 'responding', 'for-role'],
      ['srao', 'uoi', 'respondent', 'responding', 'for-role'],
    ],
  );
});

test('"Mr. X, Sr. Advocate with Mr. Y" for the petitioner: no petitioner in the caption, so the parties on the same side', () => {
  const text = 'For the Petitioner: Mr. Harish Salve, Sr. Advocate with Mr. Tushar Mehta.';
  const rels = buildRelationships(
    doc(
      [caption + text],
      [
        ...captionMentions,
        [0, 'LAWYER', 'Mr. Harish Salve', 'salve', { forRole: 'petitioner' }],
        [0, 'LAWYER', 'Mr. Tushar Mehta', 'mehta', { forRole: 'petitioner' }],
      ],
    ),
  );
  assert.deepEqual(
    edges(rels, 'REPRESENTS').map((e) => [e.from, e.to, e.role, e.method]),
    [
      ['mehta', 'appellant', 'appellant', 'for-side'],
      ['salve', 'appellant', 'appellant', 'for-side'],
    ],
  );
});

test('"Counsel for the appellant" after a lawyer, with no forRole from ner: the text decides', () => {
  const text = 'Ms. Priya Nair, Counsel for the appellant, submitted that';
  const rels = buildRelationships(doc([caption + text], [...captionMentions, [0, 'LAWYER', 'Ms. Priya Nair', 'nair']]));
  const [e] = edges(rels, 'REPRESENTS');
  assert.deepEqual(
    [e?.from, e?.to, e?.role, e?.method, e?.span_start],
    ['nair', 'appellant', 'appellant', 'text', (caption + text).indexOf('Ms. Priya')],
  );
});

test('a signature block "Attorneys for Plaintiff Acme Corp." (forParty) and U.S. "on behalf of" (text)', () => {
  const text = 'Acme Corp. v. Bolt LLC\nJane Roe\nATTORNEYS FOR PLAINTIFF ACME CORP.\nJohn Doe, Esq. on behalf of Bolt LLC.';
  const rels = buildRelationships(
    doc(
      [text],
      [
        [0, 'ORG', 'Acme Corp.', 'acme', { role: 'plaintiff' }],
        [0, 'ORG', 'Bolt LLC', 'bolt', { role: 'defendant' }],
        [0, 'LAWYER', 'Jane Roe', 'roe', { forParty: 'ACME CORP.', forRole: 'plaintiff' }],
        [0, 'LAWYER', 'John Doe', 'doe'],
        [0, 'ORG', 'Bolt LLC', 'bolt'],
      ],
    ),
  );
  assert.deepEqual(
    edges(rels, 'REPRESENTS').map((e) => [e.from, e.to, e.role, e.side, e.method, e.mention_uuids]),
    [
      ['doe', 'bolt', 'defendant', 'responding', 'text', ['m03', 'm04']],
      ['roe', 'acme', 'plaintiff', 'initiating', 'for-party', ['m02']],
    ],
  );
});

test('the judge PRESIDES_OVER the document case(s), FILED_IN the caption court; a cited number later is no case of the document', () => {
  const head =
    'UNITED STATES DISTRICT COURT FOR THE MIDDLE DISTRICT OF FLORIDA\nCase Nos. 8:22-cv-1234-KKM, 8:22-cv-1299\nBefore: Hon. Kathryn Mizelle\n';
  const body = 'See also No. 19-555 in the Court of Appeals.';
  const rels = buildRelationships(
    doc(
      [head, body],
      [
        [0, 'COURT', 'UNITED STATES DISTRICT COURT FOR THE MIDDLE DISTRICT OF FLORIDA', 'mdfla'],
        [0, 'CASE_NUMBER', '8:22-cv-1234-KKM', 'case1'],
        [0, 'CASE_NUMBER', '8:22-cv-1299', 'case2'],
        [0, 'JUDGE', 'Hon. Kathryn Mizelle', 'mizelle'],
        [1, 'CASE_NUMBER', 'No. 19-555', 'case3'],
        [1, 'COURT', 'Court of Appeals', 'ca'],
      ],
    ),
  );
  const c1 = caseUuid(PROJECT, '8:22-cv-01234');
  const c2 = caseUuid(PROJECT, '8:22-cv-01299');
  assert.deepEqual(
    edges(rels, 'IN_CASE')
      .map((e) => [e.to, e.case_number, e.text, e.chunk, e.span_start])
      .sort(),
    [
      [c1, '8:22-cv-01234', '8:22-cv-1234-KKM', 'c0', head.indexOf('8:22-cv-1234')],
      [c2, '8:22-cv-01299', '8:22-cv-1299', 'c0', head.indexOf('8:22-cv-1299')],
    ].sort(),
  );
  assert.deepEqual(
    edges(rels, 'PRESIDES_OVER')
      .map((e) => [e.from, e.to, e.method, e.chunk, e.mention_uuids])
      .sort(),
    [
      ['mizelle', c1, 'text', 'c0', ['m03', 'm01']],
      ['mizelle', c2, 'text', 'c0', ['m03', 'm02']],
    ].sort(),
  );
  assert.deepEqual(
    edges(rels, 'FILED_IN')
      .map((e) => [e.from, e.to, e.span_start, e.mention_uuids])
      .sort(),
    [
      [c1, 'mdfla', 0, ['m00', 'm01']],
      [c2, 'mdfla', 0, ['m00', 'm02']],
    ].sort(),
  );
  // keys are stable: the same input gives the same edges
  assert.deepEqual(
    buildRelationships(doc(['Case No. 8:22-cv-1234'], [[0, 'CASE_NUMBER', 'Case No. 8:22-cv-1234', 'x']])).find((r) => r.type === 'IN_CASE')
      ?.toId,
    c1,
  );
});

test('case numbers normalise with their labels off; without a CASE_NUMBER mention the facts give the case', () => {
  assert.equal(normalizeCaseNumber('Case No.: 1:20-cv-1234-ABC'), '1:20-cv-01234');
  assert.equal(normalizeCaseNumber('Civil Appeal No. 4567 of 2021'), 'CIVIL APPEAL NO. 4567 OF 2021');
  const rels = buildRelationships({
    ...doc(['Order'], []),
    projectUuid: null,
    metadata: { docket_numbers: [{ value: '24-10418', text: 'Case Number:24-10418-CTG' }] },
  });
  assert.deepEqual(
    edges(rels, 'IN_CASE').map((e) => [e.to, e.method, e.chunk, e.case_number]),
    [[caseUuid(DOC, '24-10418'), 'metadata', null, '24-10418']],
  );
});

test('a document entity that joined a project entity: RESOLVES_TO with the match', () => {
  const input = doc(['Acme Inc.'], [[0, 'ORG', 'Acme Inc.', 'acme']]);
  const entities = input.entities.map((e) => ({
    ...e,
    projectEntityUuid: 'pe1',
    projectMatch: { method: 'abbreviation', score: 0.9, rule: 'acronym' },
  }));
  const rels = buildRelationships({ ...input, entities });
  assert.deepEqual(edges(rels, 'RESOLVES_TO'), [
    { from: 'acme', to: 'pe1', method: 'project-resolution', chunk: null, match: 'abbreviation', score: 0.9, rule: 'acronym' },
  ]);
});
