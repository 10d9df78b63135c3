#!/usr/bin/env node
// Runs the test suites with Node's test runner (Node 20's --test does not expand globs).
// Usage: node scripts/run-tests.js [unit|stages|integration|e2e|reliability|corpus ...]
// Without arguments: every suite but `corpus` (those need only Node and Redis). `corpus` needs the
// third-party corpus in ../shared and system tools; it checks them first and names what is missing.
// Postgres: TEST_DATABASE_URL, else the local server (DOCPIPE_TEST_PG_PROBE, default
// 127.0.0.1:5432/test) when it answers, else one embedded Postgres for the whole run.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

const MAIN_SUITES = ['unit', 'stages', 'integration', 'e2e', 'reliability'];
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const suites = process.argv.slice(2).length ? process.argv.slice(2) : MAIN_SUITES;
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.test.ts')) files.push(p);
  }
};
for (const suite of suites) {
  if (!existsSync(path.join(repo, 'test', suite))) {
    console.error(`no test suite ${suite} (suites: ${[...MAIN_SUITES, 'corpus'].join(', ')})`);
    process.exit(1);
  }
  walk(path.join(repo, 'test', suite));
}
if (files.length === 0) {
  console.error(`no test files found in ${suites.join(', ')}`);
  process.exit(1);
}

/** What the corpus suite needs that is not there (it fails up front rather than skipping tests). */
function missingForCorpus() {
  const missing = [];
  if (!existsSync(path.resolve(repo, '../shared/corpus'))) missing.push('../shared/corpus beside the checkout (the third-party corpus)');
  const works = (cmd, args) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
  if (!works('pdftotext', ['-v'])) missing.push('pdftotext (apt-get install poppler-utils)');
  if (!works('tesseract', ['--version'])) missing.push('tesseract (apt-get install tesseract-ocr tesseract-ocr-eng)');
  if (!existsSync('/usr/bin/chromium')) missing.push('/usr/bin/chromium (apt-get install chromium)');
  if (!works(process.env.DOCPIPE_TEST_PYTHON ?? '/usr/bin/python3', ['-c', 'import redis']))
    missing.push('python3 with redis-py (apt-get install python3-redis)');
  return missing;
}
if (suites.includes('corpus')) {
  const missing = missingForCorpus();
  if (missing.length) {
    console.error(`the corpus suite needs:\n  ${missing.join('\n  ')}`);
    process.exit(1);
  }
}

register();
const { testPostgres } = await import('../test/helpers/postgres.ts');
const pg = await testPostgres();
if (pg.source === 'embedded')
  console.log(`# postgres: embedded for this run (nothing answered at ${process.env.DOCPIPE_TEST_PG_PROBE || '127.0.0.1:5432'})`);
// --test-force-exit: a test file that leaves a socket open (a failed assertion before close()) ends with its tests instead of hanging CI
const args = [
  '--import',
  'tsx',
  '--test',
  '--test-force-exit',
  '--test-reporter=spec',
  `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 1}`,
  ...files,
];
const child = spawn(process.execPath, args, { stdio: 'inherit', env: { ...process.env, TEST_DATABASE_URL: pg.url } });
const forward = (signal) => child.kill(signal);
process.on('SIGINT', forward);
process.on('SIGTERM', forward);
const status = await new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
await pg.stop();
process.exit(status);
