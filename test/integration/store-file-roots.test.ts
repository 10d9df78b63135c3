/** A file_path outside the allowed roots is an invalid message, never a read (DESIGN §8). */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DocpipeError } from '../../src/errors.ts';
import { LocalFileSource } from '../../src/providers/files.ts';

let dir: string;
let root: string;
let files: LocalFileSource;
before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'docpipe-roots-'));
  root = path.join(dir, 'docs');
  mkdirSync(path.join(root, 'sub'), { recursive: true });
  writeFileSync(path.join(root, 'sub/ok.txt'), 'inside');
  writeFileSync(path.join(dir, 'secret.txt'), 'outside the root');
  symlinkSync(path.join(dir, 'secret.txt'), path.join(root, 'link-out.txt'));
  symlinkSync('/etc', path.join(root, 'etc-dir'));
  symlinkSync(path.join(root, 'sub/ok.txt'), path.join(root, 'link-in.txt'));
  files = new LocalFileSource({ allowedRoots: [root], maxBytes: 1024 * 1024 });
});
after(() => rmSync(dir, { recursive: true, force: true }));

const outsideRoots = (e: unknown) => e instanceof DocpipeError && e.kind === 'invalid-message' && e.code === 'DP_ERR_FILE_OUTSIDE_ROOTS';

test('reads a file under the root, by absolute path, file:// URL and an in-root symlink', async () => {
  assert.equal((await files.read(path.join(root, 'sub/ok.txt'))).bytes.toString(), 'inside');
  assert.equal((await files.read(pathToFileURL(path.join(root, 'sub/ok.txt')).href)).bytes.toString(), 'inside');
  assert.equal((await files.read(path.join(root, 'link-in.txt'))).bytes.toString(), 'inside');
});

test('rejects paths outside the roots without reading them', async () => {
  const attempts = [
    path.join(root, '../../etc/passwd'),
    `${root}/sub/../../secret.txt`,
    '../../etc/passwd',
    '/etc/passwd',
    'file:///etc/passwd',
    `file://${root}/../secret.txt`,
    `file://localhost/etc/passwd`,
    path.join(root, 'link-out.txt'),
    path.join(root, 'etc-dir/passwd'),
    `${root}-sibling/x.txt`,
    `${root}/sub/ok.txt\0.pdf`,
    'http://example.com/x.pdf',
  ];
  for (const p of attempts) {
    await assert.rejects(files.read(p), outsideRoots, p);
  }
});

test('file:// with a percent-encoded traversal is still resolved before the check', async () => {
  await assert.rejects(files.read(`file://${root}/%2e%2e/secret.txt`), outsideRoots);
});
