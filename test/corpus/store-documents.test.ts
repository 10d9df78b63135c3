/** createSourceDocument on files of the third-party corpus (../shared/corpus), one of each kind. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { probeFile } from '../../src/providers/probe.ts';
import { createSourceDocument, ensureProject } from '../../src/store/documents.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const corpus = path.resolve(repoRoot, '../shared/corpus');

let db: TestDb;
before(async () => {
  db = await createTestDb('docs');
});
after(async () => {
  await db.drop();
});

test('createSourceDocument on corpus files of each kind, with a project', async () => {
  const cases: Array<[string, string]> = [
    ['docx/handbook-1p.docx', '.docx'],
    ['eml/nef_almd_1.eml', '.eml'],
    ['audio/ander_v._leo.mp3', '.mp3'],
    ['pdf-scanned/image-pdf.pdf', '.pdf'],
  ];
  for (const [rel, type] of cases) {
    const { row } = await createSourceDocument(db.sql, { file: await probeFile(path.join(corpus, rel)), projectName: 'corpus' });
    assert.equal(row.detectedFileType, type, rel);
    assert.equal(row.projectId, await ensureProject(db.sql, 'corpus'));
  }
});
