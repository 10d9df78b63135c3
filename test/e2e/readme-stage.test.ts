/**
 * README "Writing a stage" works as printed: the TypeScript snippets pass the project's lint; a
 * pipeline with the stage snippet's YAML line added (between clean-cat and chunking, where its
 * schemas fit) passes `docpipe validate`: the handler loads and every schema it names exists and
 * fits; and the test snippet (`docpipe/testing`) passes against the stage snippet on the test
 * Postgres, and fails against the stage with its PermanentError line taken out.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { ESLint } from 'eslint';
import { TEST_DATABASE_URL } from '../helpers/db.ts';
import { REPO } from '../helpers/runner-process.ts';

const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## Writing a stage'), readme.indexOf('## Error codes'));
const tsBlocks = [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
const tsSnippet = tsBlocks[0] ?? '';
const testSnippet = tsBlocks.find((b) => b.includes('docpipe/testing')) ?? '';
const yamlLine = /```yaml\nstages:\n([\s\S]*?)```/.exec(section)?.[1]?.trim() ?? '';
// inside the repository (so `import … from 'docpipe'` resolves), in a folder git and lint ignore
const dir = path.join(REPO, 'test-artifacts', `readme-stage-${process.pid}`);
after(() => rmSync(dir, { recursive: true, force: true }));

/** The stage snippet as dir/stages/redact.ts (beside dir/schemas, a link to the repository's). */
function writeStage(text: string): void {
  mkdirSync(path.join(dir, 'stages'), { recursive: true });
  if (!existsSync(path.join(dir, 'schemas'))) symlinkSync(path.join(REPO, 'schemas'), path.join(dir, 'schemas'));
  writeFileSync(path.join(dir, 'stages', 'redact.ts'), text);
}

async function lintProblems(text: string, file: string): Promise<string[]> {
  const [result] = await new ESLint({ cwd: REPO }).lintText(text, { filePath: path.join(REPO, 'stages', file) });
  return result!.messages.map((m) => `${m.line}:${m.column} ${m.ruleId}: ${m.message}`);
}

test('the README stage and test snippets pass lint', async () => {
  assert.match(tsSnippet, /defineStage/);
  assert.deepEqual(await lintProblems(tsSnippet, 'redact.ts'), []);
  assert.match(testSnippet, /createTestContext/);
  assert.deepEqual(await lintProblems(testSnippet, 'redact.test.ts'), []);
});

/** Runs the README test snippet with Node's test runner against dir/stages/redact.ts. */
function runTestSnippet(): { status: number | null; output: string } {
  writeFileSync(path.join(dir, 'stages', 'redact.test.ts'), testSnippet);
  // without NODE_TEST_CONTEXT (set for this file's own run), the child runs its tests instead of reporting to this run
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=tap', path.join(dir, 'stages', 'redact.test.ts')], {
    cwd: REPO,
    encoding: 'utf8',
    env: { ...env, TEST_DATABASE_URL },
  });
  return { status: r.status, output: r.stdout + r.stderr };
}

test('the README test snippet passes against the README stage, and fails when the stage is wrong', () => {
  writeStage(tsSnippet);
  const passing = runTestSnippet();
  assert.equal(passing.status, 0, passing.output);
  assert.match(passing.output, /^# pass 1$/m);
  assert.match(passing.output, /^# fail 0$/m);
  const guard = /^.*throw new PermanentError\('no such document'\).*\n/m;
  assert.match(tsSnippet, guard);
  writeStage(tsSnippet.replace(guard, ''));
  const failing = runTestSnippet();
  assert.notEqual(failing.status, 0, failing.output);
  assert.match(failing.output, /^# fail 1$/m);
});

test('the README stage snippet and its YAML line pass docpipe validate in the shipped pipeline', () => {
  assert.match(yamlLine, /^- \{ name: redact, handler: \.\/stages\/redact\.ts/);
  writeStage(tsSnippet);
  const shipped = readFileSync(path.join(REPO, 'pipeline.yaml'), 'utf8').replaceAll('handler: ./stages/', 'handler: ../../stages/');
  const lines = shipped.split('\n');
  const chunking = lines.findIndex((l) => l.includes('name: chunking'));
  lines.splice(chunking, 0, `  ${yamlLine}`);
  writeFileSync(path.join(dir, 'pipeline.yaml'), lines.join('\n'));
  const r = spawnSync(process.execPath, [path.join(REPO, 'bin', 'docpipe.js'), 'validate', path.join(dir, 'pipeline.yaml')], {
    cwd: REPO,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /ok \(7 stages: ocr -> clean-cat -> redact -> chunking -> ner -> resolution -> relationships\)/);
});
