/** `docpipe-run --help` and the README document the same exit codes, and `--help` names every run option the README lists. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { buildCli } from '../../src/cli/docpipe.ts';
import { REPO } from '../helpers/runner-process.ts';

const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8');

function runHelp(): string {
  const run = buildCli().commands.find((c) => c.name() === 'run')!;
  let text = '';
  run.configureOutput({ writeOut: (s) => (text += s) });
  run.outputHelp();
  return text;
}

test('the exit codes of docpipe-run are the same in --help and in the README table', () => {
  const start = readme.indexOf('**Exit codes of `docpipe-run`**');
  assert.ok(start > 0, 'README has the exit-code table');
  const table = readme.slice(start, readme.indexOf('\n\n', readme.indexOf('| code |', start)));
  const inReadme = [...table.matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1]));
  const help = runHelp();
  const inHelp = [...help.slice(help.indexOf('Exit codes:')).matchAll(/^ {2}(\d+) {2}/gm)].map((m) => Number(m[1]));
  assert.deepEqual(inReadme, [0, 1, 2, 3, 130]);
  assert.deepEqual(inHelp, inReadme);
  assert.match(help, /Logs \(JSON lines, or --pretty\) go to stderr; the summary and other human output to stdout/);
});

test('every docpipe-run option the README names is in --help', () => {
  const help = runHelp();
  const section = readme.slice(readme.indexOf('`docpipe-run` options:'), readme.indexOf('**Output**'));
  const options = [...new Set([...section.matchAll(/`(--[a-z-]+)/g)].map((m) => m[1]!))];
  assert.ok(options.length >= 10, options.join(' '));
  for (const o of options) assert.ok(help.includes(o), `${o} in docpipe-run --help`);
});
