import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DocpipeError } from '../../src/errors.ts';
import { listInputFiles, probeFile } from '../../src/providers/probe.ts';
import { createSourceDocument, createSourceDocuments, ensureProject } from '../../src/store/documents.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The repository's own sample documents (corpus files: test/corpus/store-documents.test.ts). */
const documents = path.join(repoRoot, 'examples/documents');

let db: TestDb;
let dir: string;
before(async () => {
  db = await createTestDb('docs');
  dir = mkdtempSync(path.join(os.tmpdir(), 'docpipe-docs-'));
});
after(async () => {
  await db.drop();
  rmSync(dir, { recursive: true, force: true });
});

test('createSourceDocument records the type probed from content: a PDF named .txt is a .pdf', async () => {
  const pdf = path.join(documents, 'order-on-motion-to-dismiss.pdf');
  const disguised = path.join(dir, 'not-really.txt');
  copyFileSync(pdf, disguised);
  const { row, message, existing } = await createSourceDocument(db.sql, { file: await probeFile(path.relative(process.cwd(), disguised)) });
  assert.equal(existing, false);
  assert.equal(row.detectedFileType, '.pdf');
  assert.equal(row.filePath, disguised, 'absolute path recorded');
  assert.equal(row.fileName, 'not-really.txt');
  const bytes = readFileSync(pdf);
  assert.equal(row.fileSizeBytes, bytes.length);
  assert.equal(row.fileSha256, createHash('sha256').update(bytes).digest('hex'));
  assert.deepEqual(message, {
    document_uuid: row.documentUuid,
    source_doc_sql_id: row.id,
    file_path: disguised,
    file_name: 'not-really.txt',
    detected_file_type: '.pdf',
    project_sql_id: null,
  });
  const [db1] = await db.sql<{ detected_file_type: string; initial_processing_status: string }[]>`
    SELECT detected_file_type, initial_processing_status FROM source_documents WHERE id = ${row.id}`;
  assert.deepEqual(db1, { detected_file_type: '.pdf', initial_processing_status: 'pending' });
});

test('reuseExisting returns the row of an unchanged file instead of inserting another', async () => {
  const f = path.join(dir, 'memo.txt');
  writeFileSync(f, 'MEMORANDUM OF UNDERSTANDING\nbetween the parties.\n');
  const a = await createSourceDocument(db.sql, { file: await probeFile(f), reuseExisting: true });
  const b = await createSourceDocument(db.sql, { file: await probeFile(f), reuseExisting: true });
  assert.equal(b.existing, true);
  assert.equal(b.row.id, a.row.id);
  writeFileSync(f, 'MEMORANDUM OF UNDERSTANDING\nbetween the parties, amended.\n');
  const c = await createSourceDocument(db.sql, { file: await probeFile(f), reuseExisting: true });
  assert.equal(c.existing, false, 'changed content is a new document');
  const d = await createSourceDocument(db.sql, { file: await probeFile(f) });
  assert.notEqual(d.row.id, c.row.id, 'without reuseExisting every call is a new document');
});

test('probing a missing file is a permanent not-found error', async () => {
  await assert.rejects(
    probeFile(path.join(dir, 'nope.pdf')),
    (e: unknown) => e instanceof DocpipeError && e.code === 'DP_ERR_FILE_NOT_FOUND',
  );
});

test('ensureProject is idempotent under concurrency', async () => {
  const ids = await Promise.all(Array.from({ length: 8 }, () => ensureProject(db.sql, 'same-project')));
  assert.equal(new Set(ids).size, 1);
});

test('listInputFiles walks folders sorted, skips hidden, symlinked, empty and unsupported files, and reports them', async () => {
  const root = path.join(dir, 'input');
  mkdirSync(path.join(root, 'b/nested'), { recursive: true });
  mkdirSync(path.join(root, '.git'), { recursive: true });
  writeFileSync(path.join(root, 'b/nested/z.txt'), 'zeta');
  writeFileSync(path.join(root, 'a.txt'), 'alpha');
  copyFileSync(path.join(documents, 'demand-letter.docx'), path.join(root, 'b/handbook.docx'));
  writeFileSync(path.join(root, '.hidden.txt'), 'secret');
  writeFileSync(path.join(root, '.git/config'), '[core]');
  writeFileSync(path.join(root, 'empty.txt'), '');
  writeFileSync(path.join(root, 'blob.bin'), Buffer.from([0, 1, 2, 3, 0, 0, 7, 8, 9]));
  symlinkSync('/etc/passwd', path.join(root, 'escape.txt'));
  const outside = path.join(dir, 'outside.txt');
  writeFileSync(outside, 'named explicitly');

  const { files, skipped } = await listInputFiles([root, outside, path.join(root, 'a.txt'), path.join(dir, 'missing.pdf')]);
  assert.deepEqual(
    files,
    [path.join(root, 'a.txt'), path.join(root, 'b/handbook.docx'), path.join(root, 'b/nested/z.txt'), outside].sort(),
  );
  const reasons = Object.fromEntries(skipped.map((s) => [path.relative(dir, s.path), s.reason]));
  assert.deepEqual(reasons, {
    'input/escape.txt': 'symlink inside a folder (not followed)',
    'missing.pdf': 'not found',
    'input/empty.txt': 'empty file',
    'input/blob.bin': 'unsupported type (unrecognised content)',
  });
});

test('createSourceDocuments creates rows in order under one project and reports vanished files', async () => {
  const a = path.join(dir, 'batch-a.txt');
  const b = path.join(dir, 'batch-b.txt');
  writeFileSync(a, 'first');
  writeFileSync(b, 'second');
  const gone = path.join(dir, 'batch-gone.txt');
  const { created, failed } = await createSourceDocuments(db.sql, [a, gone, b], { probe: probeFile, projectName: 'batch' });
  assert.deepEqual(
    created.map((c) => c.row.filePath),
    [a, b],
  );
  assert.equal(new Set(created.map((c) => c.message.project_sql_id)).size, 1);
  assert.ok(created[0]!.message.project_sql_id);
  assert.equal(failed.length, 1);
  assert.equal(failed[0]!.path, gone);
  assert.match(failed[0]!.reason, /file not found/);
});
