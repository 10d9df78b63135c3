/**
 * Hostile pipeline files through the real CLI: alias blow-ups ("billion laughs", also through
 * merge keys), duplicate keys (a second `redis:` must not silently win) and absurd nesting. Each is
 * a validation failure naming file:line:col, from `docpipe validate` and from `docpipe-run`.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, test } from 'node:test';
import { REPO } from '../helpers/runner-process.ts';

const DIR = path.join(REPO, 'test/fixtures/hostile/yaml');

function cli(bin: 'docpipe' | 'docpipe-run', args: string[]): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, [path.join(REPO, 'bin', `${bin}.js`), ...args], { cwd: REPO, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

const cases: Array<[string, RegExp[]]> = [
  ['billion-laughs.yaml', [/billion-laughs\.yaml:1:1: cannot expand the YAML: .*resource exhaustion/]],
  ['merge-bomb.yaml', [/merge-bomb\.yaml:1:1: cannot expand the YAML: .*resource exhaustion/]],
  ['duplicate-keys.yaml', [/duplicate-keys\.yaml:5:1: duplicate key "redis"/, /duplicate-keys\.yaml:11:5: duplicate key "concurrency"/]],
  ['deep-nesting.yaml', [/deep-nesting\.yaml:4:\d+: /]],
];

describe('hostile pipeline files', { timeout: 120_000 }, () => {
  for (const [file, patterns] of cases) {
    test(`${file}: docpipe validate and docpipe-run fail with file:line:col, start nothing`, () => {
      const validate = cli('docpipe', ['validate', path.join(DIR, file)]);
      assert.equal(validate.code, 1, validate.out);
      for (const p of patterns) assert.match(validate.out, p);
      const run = cli('docpipe-run', [path.join(DIR, file), '--until-idle']);
      assert.notEqual(run.code, 0, run.out);
      assert.notEqual(run.code, null, 'docpipe-run exits by itself');
      for (const p of patterns) assert.match(run.out, p);
      assert.doesNotMatch(run.out, /workers started/);
    });
  }
});
