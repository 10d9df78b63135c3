/**
 * The Dockerfile and .dockerignore, read as text (no Docker engine is needed): a dependency stage
 * with `npm ci --omit=dev`, a runtime stage that runs as a non-root user and gets everything the
 * shipped pipeline loads at run time, and a build context that sends no more than that. Where a
 * Docker engine answers, `docker build --check` lints the file too (the test says when it cannot).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { loadPipeline, PIPELINE_SCHEMA_PATH } from '../../src/config/load.ts';
import { REPO } from '../helpers/runner-process.ts';

interface Instruction {
  op: string;
  args: string;
}
interface Stage {
  from: string;
  name?: string;
  steps: Instruction[];
}

/** Dockerfile instructions by build stage (comments dropped, `\` continuations joined). */
function parseDockerfile(text: string): Stage[] {
  const lines = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const stages: Stage[] = [];
  for (const line of lines) {
    const [, op = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    if (op.toUpperCase() === 'FROM') {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      assert.ok(m, `FROM ${args}`);
      stages.push({ from: m[1]!, name: m[2], steps: [] });
    } else {
      assert.ok(stages.length, `${op} before the first FROM`);
      stages.at(-1)!.steps.push({ op: op.toUpperCase(), args });
    }
  }
  return stages;
}

/** Whether a repository path is sent in the build context: the last matching .dockerignore rule decides. */
function inContext(rules: string[], rel: string): boolean {
  let included = true;
  for (const rule of rules) {
    const negated = rule.startsWith('!');
    const pattern = (negated ? rule.slice(1) : rule).replace(/\/$/, '');
    const matches = pattern === '*' || rel === pattern || rel.startsWith(`${pattern}/`);
    if (matches) included = negated;
  }
  return included;
}

const stages = parseDockerfile(readFileSync(path.join(REPO, 'Dockerfile'), 'utf8'));
const runtime = stages.at(-1)!;
const ignoreRules = readFileSync(path.join(REPO, '.dockerignore'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));
/** [sources, destination] of the runtime stage's COPY instructions from the build context. */
const contextCopies = runtime.steps
  .filter((s) => s.op === 'COPY' && !s.args.startsWith('--from'))
  .map((s) => {
    const parts = s.args.split(/\s+/);
    return [parts.slice(0, -1), parts.at(-1)!] as const;
  });

test('multi-stage: production dependencies from the lockfile in one stage, copied into a slim runtime', () => {
  assert.ok(stages.length >= 2, 'at least two stages');
  const deps = stages.find((s) => s.steps.some((i) => i.op === 'RUN' && /\bnpm ci\b/.test(i.args)));
  assert.ok(deps?.name, 'a named stage runs npm ci');
  const ci = deps.steps.find((i) => i.op === 'RUN' && /\bnpm ci\b/.test(i.args))!;
  assert.match(ci.args, /--omit=dev/);
  assert.ok(
    deps.steps.some((i) => i.op === 'COPY' && /package-lock\.json/.test(i.args)),
    'the lockfile is copied before npm ci',
  );
  assert.notEqual(runtime, deps, 'the runtime is another stage');
  assert.match(runtime.from, /^node:20[-.\w]*slim/, 'runtime on a slim Node 20 image');
  assert.ok(
    runtime.steps.some((i) => i.op === 'COPY' && i.args.startsWith(`--from=${deps.name} `) && /node_modules/.test(i.args)),
    'node_modules come from the deps stage',
  );
  assert.ok(!runtime.steps.some((i) => i.op === 'RUN' && /\bnpm (ci|install)\b/.test(i.args)), 'no install in the runtime stage');
});

test('the runtime runs as a non-root user, set after every step that needs root', () => {
  const users = runtime.steps.map((s, i) => [s, i] as const).filter(([s]) => s.op === 'USER');
  assert.equal(users.length, 1);
  const [user, at] = users[0]!;
  assert.doesNotMatch(user.args, /^(root|0)(:|$)/);
  assert.equal(user.args, 'node', 'the Node image user (uid 1000, the runAsUser of docpipe deploy k8s)');
  assert.ok(
    runtime.steps.slice(at + 1).every((s) => s.op !== 'RUN' && s.op !== 'COPY'),
    'nothing is installed after USER',
  );
  const cmd = runtime.steps.find((s) => s.op === 'CMD');
  assert.ok(cmd, 'a CMD');
  const argv = JSON.parse(cmd.args) as string[];
  assert.equal(argv[0], 'docpipe-run');
  assert.ok(
    runtime.steps.some((s) => s.op === 'RUN' && s.args.includes('/app/bin/docpipe-run.js /usr/local/bin/docpipe-run')),
    'docpipe-run is on the PATH',
  );
  const pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { bin: Record<string, string> };
  assert.equal(pkg.bin['docpipe-run'], 'bin/docpipe-run.js');
});

test('everything the shipped pipeline loads at run time is copied, and is in the build context', () => {
  const copied = contextCopies.flatMap(([sources]) => sources);
  for (const src of copied) {
    assert.ok(existsSync(path.join(REPO, src)), `COPY source ${src} exists`);
    assert.ok(inContext(ignoreRules, src.replace(/\/$/, '')), `${src} is not excluded by .dockerignore`);
  }
  const config = loadPipeline(path.join(REPO, 'pipeline.yaml'));
  const needed = [
    'pipeline.yaml',
    'package.json',
    'bin/docpipe-run.js',
    'bin/docpipe.js',
    'src/cli/docpipe.ts',
    path.relative(REPO, PIPELINE_SCHEMA_PATH),
    ...config.stages.flatMap((s) => [s.handler, s.input, ...(s.output ? [s.output] : [])].map((f) => path.relative(REPO, f))),
  ];
  const isCopied = (rel: string) => copied.map((c) => c.replace(/\/$/, '')).some((c) => rel === c || rel.startsWith(`${c}/`));
  for (const rel of needed) assert.ok(isCopied(rel), `${rel} is in the image`);
});

test('.dockerignore sends no tests, corpus, node_modules or local data to the builder', () => {
  for (const rel of ['node_modules', 'test', '.git', '.docpipe', 'bench', 'examples', 'test-artifacts', '.env'])
    assert.equal(inContext(ignoreRules, rel), false, rel);
  for (const rel of ['src', 'stages', 'schemas', 'bin', 'package-lock.json']) assert.equal(inContext(ignoreRules, rel), true, rel);
});

test('docker build --check where a Docker engine answers', (t) => {
  const engine = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8' });
  if (engine.status !== 0) {
    t.diagnostic('no Docker engine here: the Dockerfile was checked as text only');
    return;
  }
  const r = spawnSync('docker', ['build', '--check', '.'], { cwd: REPO, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});
