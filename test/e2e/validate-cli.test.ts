import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fixture, positionOf, REPO_ROOT } from '../fixtures/pipelines/index.ts';

/** Spawns the real CLI (`node bin/docpipe.js validate <file>`) from the repo root. */
function docpipe(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/docpipe.js'), ...args], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function lines(s: string): string[] {
  return s.split('\n').filter(Boolean);
}

function at(rel: string, needle: string): string {
  const { line, col } = positionOf(readFileSync(path.join(REPO_ROOT, rel), 'utf8'), needle);
  return `${rel}:${line}:${col}`;
}

const rel = (name: string) => path.relative(REPO_ROOT, fixture(name));

test('docpipe validate pipeline.yaml exits 0 and says ok', async () => {
  const r = await docpipe('validate', 'pipeline.yaml');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.deepEqual(lines(r.stdout), ['pipeline.yaml: ok (6 stages: ocr -> clean-cat -> chunking -> ner -> resolution -> relationships)']);
});

test('docpipe validate on a file with problems on two stages exits 1 and prints file:line:col per problem', async () => {
  const file = rel('two-stages.yaml');
  const r = await docpipe('validate', file);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.deepEqual(lines(r.stderr), [
    `${at(file, '10 minutes')}: stages.2.timeout: bad duration "10 minutes": use a number and a unit, e.g. 500ms, 2s, 5m, 1h, 7d`,
    `${at(file, '../../../stages/relations.ts')}: handler module not found: ../../../stages/relations.ts`,
    `${file}: 2 problems`,
  ]);
});

test('docpipe validate names an unknown key at its line and a missing module at its line', async () => {
  const unknown = await docpipe('validate', rel('unknown-key.yaml'));
  assert.equal(unknown.code, 1);
  assert.equal(lines(unknown.stderr)[0], `${at(rel('unknown-key.yaml'), 'retry: 3')}: unknown key "retry" in stages.3`);
  const missing = await docpipe('validate', rel('missing-handler.yaml'));
  assert.equal(missing.code, 1);
  assert.equal(
    lines(missing.stderr)[0],
    `${at(rel('missing-handler.yaml'), '../../../stages/resolve.ts')}: handler module not found: ../../../stages/resolve.ts`,
  );
});

test('docpipe validate on a missing file exits 2', async () => {
  const r = await docpipe('validate', 'no/such/pipeline.yaml');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no\/such\/pipeline\.yaml: cannot read: ENOENT/);
});

test('docpipe validate with an unknown option is a usage error (exit 2)', async () => {
  const r = await docpipe('validate', '--strict');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown option '--strict'/);
});

test('one YAML syntax error (a missing colon) is one problem at its line, not a cascade', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'dp-syntax-'));
  try {
    const text = readFileSync(path.join(REPO_ROOT, 'pipeline.yaml'), 'utf8').replace(/^defaults:$/m, 'defaults');
    const file = path.join(dir, 'pipeline.yaml');
    writeFileSync(file, text);
    const line = text.split('\n').indexOf('defaults') + 1;
    const r = await docpipe('validate', file);
    assert.equal(r.code, 1);
    const out = lines(r.stderr);
    assert.equal(out.length, 2, r.stderr);
    assert.match(
      out[0]!,
      new RegExp(
        `pipeline\\.yaml:${line}:1: Implicit keys need to be on a single line \\(\\d+ more YAML errors after it, most likely caused by it: fix this one first\\)$`,
      ),
    );
    assert.match(out[1]!, /pipeline\.yaml: 1 problem$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('docpipe validate without a file checks ./pipeline.yaml, as the README says', async () => {
  const r = await docpipe('validate');
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(lines(r.stdout), ['pipeline.yaml: ok (6 stages: ocr -> clean-cat -> chunking -> ner -> resolution -> relationships)']);
});

test('docpipe --version prints the package version', async () => {
  const { version } = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
  for (const flag of ['--version', '-V']) {
    const r = await docpipe(flag);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), version);
  }
});
