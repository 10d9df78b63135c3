import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { validateCommand } from '../../src/cli/validate.ts';
import { fixture, positionOf, REPO_ROOT } from '../fixtures/pipelines/index.ts';

/** Runs `docpipe validate` in-process and captures what it prints. */
async function validate(file: string): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await validateCommand(file, { log: (s) => out.push(s), error: (s) => err.push(s) });
  return { code, out, err };
}

function display(file: string): string {
  return path.relative(process.cwd(), file);
}

function at(file: string, needle: string, from?: string): string {
  const { line, col } = positionOf(readFileSync(file, 'utf8'), needle, from);
  return `${display(file)}:${line}:${col}`;
}

test('the shipped pipeline.yaml validates clean (exit 0, one ok line naming the stages)', async () => {
  const r = await validate(path.join(REPO_ROOT, 'pipeline.yaml'));
  assert.equal(r.code, 0, r.err.join('\n'));
  assert.deepEqual(r.err, []);
  assert.deepEqual(r.out, [
    `${display(path.join(REPO_ROOT, 'pipeline.yaml'))}: ok (6 stages: ocr -> clean-cat -> chunking -> ner -> resolution -> relationships)`,
  ]);
});

test('a block-style copy of the shipped pipeline validates clean', async () => {
  assert.equal((await validate(fixture('valid.yaml'))).code, 0);
});

test('unknown key beside a stage handler: exit 1, located at the key, naming it', async () => {
  const file = fixture('unknown-key.yaml');
  const r = await validate(file);
  assert.equal(r.code, 1);
  assert.deepEqual(r.err, [`${at(file, 'retry: 3')}: unknown key "retry" in stages.3`, `${display(file)}: 1 problem`]);
});

test('handler pointing at a missing module: exit 1, located at that handler, naming the module', async () => {
  const file = fixture('missing-handler.yaml');
  const r = await validate(file);
  assert.equal(r.code, 1);
  assert.deepEqual(r.err, [
    `${at(file, '../../../stages/resolve.ts')}: handler module not found: ../../../stages/resolve.ts`,
    `${display(file)}: 1 problem`,
  ]);
});

test('problems on two different stages: both reported, each at its own line, in file order', async () => {
  const file = fixture('two-stages.yaml');
  const r = await validate(file);
  assert.equal(r.code, 1);
  assert.deepEqual(r.err, [
    `${at(file, '10 minutes')}: stages.2.timeout: bad duration "10 minutes": use a number and a unit, e.g. 500ms, 2s, 5m, 1h, 7d`,
    `${at(file, '../../../stages/relations.ts')}: handler module not found: ../../../stages/relations.ts`,
    `${display(file)}: 2 problems`,
  ]);
});

test('an output schema that does not fit the next input: exit 1, at the `output` line', async () => {
  const file = fixture('fit-mismatch.yaml');
  const r = await validate(file);
  assert.equal(r.code, 1);
  assert.equal(r.err.length, 2, r.err.join('\n'));
  assert.equal(
    r.err[0],
    `${at(file, './schemas/ocr-output-without-source-id.json')}: output of stage "ocr" does not fit the input of "clean-cat": field "source_doc_sql_id" required by the next stage is not in the output schema`,
  );
});

test('an unreadable file: exit 2 with one message naming the file', async () => {
  const missing = fixture('does-not-exist.yaml');
  const r = await validate(missing);
  assert.equal(r.code, 2);
  assert.equal(r.err.length, 1);
  assert.match(r.err[0]!, /does-not-exist\.yaml: cannot read: ENOENT/);
  const dir = await validate(fixture('schemas'));
  assert.equal(dir.code, 2);
  assert.match(dir.err[0]!, /cannot read: EISDIR/);
});

test('a pipeline outside the repo with absolute handler paths validates; YAML errors there exit 1', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'docpipe-validate-'));
  try {
    const ok = path.join(dir, 'pipeline.yaml');
    writeFileSync(
      ok,
      `version: 1\nname: abs\nstages:\n  - { name: ocr, handler: ${REPO_ROOT}/stages/ocr.ts, input: ${REPO_ROOT}/schemas/ocr.json }\n`,
    );
    assert.equal((await validate(ok)).code, 0);
    const bad = path.join(dir, 'broken.yaml');
    writeFileSync(bad, 'version: 1\nname: [abs\n');
    const r = await validate(bad);
    assert.equal(r.code, 1);
    assert.match(r.err[0]!, /broken\.yaml:\d+:\d+: /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
