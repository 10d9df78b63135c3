import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const folders = readdirSync(path.join(repo, 'src'), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

/** The text of a README section: from its `## ` heading to the next. */
function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  assert.ok(start >= 0, `README has no "## ${heading}" section`);
  const end = markdown.indexOf('\n## ', start + 1);
  return markdown.slice(start, end < 0 ? undefined : end);
}

/** The folders a markdown table names in its first column as `src/<name>/` or `<name>/`. */
function tableFolders(text: string, prefix: string): string[] {
  const names = [...text.matchAll(new RegExp(`^\\| \`${prefix}([a-z-]+)/\``, 'gm'))].map((m) => m[1] as string);
  return [...new Set(names)].sort();
}

test("README's Architecture table names every folder of src/, and only folders that exist", () => {
  const arch = section(readFileSync(path.join(repo, 'README.md'), 'utf8'), 'Architecture');
  assert.deepEqual(tableFolders(arch, 'src/'), folders);
});

test('docs/architecture.md gives every layer of src/ its import rule (log/ and util/ are for everyone)', () => {
  const doc = readFileSync(path.join(repo, 'docs/architecture.md'), 'utf8');
  const ruled = tableFolders(doc, '');
  assert.deepEqual(
    folders.filter((f) => !ruled.includes(f) && f !== 'log' && f !== 'util'),
    [],
  );
  assert.match(doc, /`log\/` and `util\/`/);
});
