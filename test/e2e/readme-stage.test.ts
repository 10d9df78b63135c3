/**
 * README "Writing a stage" works as printed: the TypeScript snippet passes the project's lint, and
 * a pipeline with the snippet's YAML line added (between clean-cat and chunking, where its schemas
 * fit) passes `docpipe validate`: the handler loads and every schema it names exists and fits.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { ESLint } from 'eslint';
import { REPO } from '../helpers/runner-process.ts';

const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## Writing a stage'), readme.indexOf('## Error codes'));
const tsSnippet = /```ts\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
const yamlLine = /```yaml\nstages:\n([\s\S]*?)```/.exec(section)?.[1]?.trim() ?? '';
// inside the repository (so `import … from 'docpipe'` resolves), in a folder git and lint ignore
const dir = path.join(REPO, 'test-artifacts', `readme-stage-${process.pid}`);
after(() => rmSync(dir, { recursive: true, force: true }));

test('the README stage snippet passes lint', async () => {
  assert.match(tsSnippet, /defineStage/);
  const [result] = await new ESLint({ cwd: REPO }).lintText(tsSnippet, { filePath: path.join(REPO, 'stages', 'redact.ts') });
  assert.deepEqual(result!.messages.map((m) => `${m.line}:${m.column} ${m.ruleId}: ${m.message}`), []);
});

test('the README stage snippet and its YAML line pass docpipe validate in the shipped pipeline', () => {
  assert.match(yamlLine, /^- \{ name: redact, handler: \.\/stages\/redact\.ts/);
  mkdirSync(path.join(dir, 'stages'), { recursive: true });
  symlinkSync(path.join(REPO, 'schemas'), path.join(dir, 'schemas'));
  writeFileSync(path.join(dir, 'stages', 'redact.ts'), tsSnippet);
  const shipped = readFileSync(path.join(REPO, 'pipeline.yaml'), 'utf8').replaceAll('handler: ./stages/', 'handler: ../../stages/');
  const lines = shipped.split('\n');
  const chunking = lines.findIndex((l) => l.includes('name: chunking'));
  lines.splice(chunking, 0, `  ${yamlLine}`);
  writeFileSync(path.join(dir, 'pipeline.yaml'), lines.join('\n'));
  const r = spawnSync(process.execPath, [path.join(REPO, 'bin', 'docpipe.js'), 'validate', path.join(dir, 'pipeline.yaml')], { cwd: REPO, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /ok \(7 stages: ocr -> clean-cat -> redact -> chunking -> ner -> resolution -> relationships\)/);
});
