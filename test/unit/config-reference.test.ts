import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  extractReference,
  README_FILE,
  readPipelineSchema,
  REFERENCE_END,
  REFERENCE_START,
  renderReference,
  spliceReference,
  ERRORS_END,
  ERRORS_START,
  renderErrorCodes,
} from '../../scripts/gen-reference.ts';
import { ErrorCodes } from '../../src/errors.ts';

type Props = Record<string, { properties?: Props; $ref?: string }>;

/** Every key path the schema declares, as the reference names them. */
function keyPaths(props: Props, prefix: string): string[] {
  return Object.entries(props).flatMap(([k, v]) => [`${prefix}${k}`, ...(v.properties ? keyPaths(v.properties, `${prefix}${k}.`) : [])]);
}

test('README.md reference block equals the generator output (run scripts/gen-reference.ts after a schema change)', () => {
  const readme = readFileSync(README_FILE, 'utf8');
  const block = extractReference(readme);
  assert.ok(block !== undefined, `README.md must contain ${REFERENCE_START} … ${REFERENCE_END}`);
  assert.equal(block, renderReference(readPipelineSchema()));
});

test('the reference lists every key of the pipeline schema, top level, worker settings, retries and stage', () => {
  const schema = readPipelineSchema() as unknown as { properties: Props; $defs: Record<string, { properties: Props }> };
  const text = renderReference(schema);
  const expected = [
    ...keyPaths(schema.properties, ''),
    ...keyPaths(schema.$defs['workerSettings']!.properties, 'defaults.'),
    ...keyPaths(schema.$defs['retries']!.properties, 'defaults.retries.'),
    ...keyPaths(schema.$defs['stage']!.properties, 'stages[].'),
  ];
  assert.ok(expected.length > 60, `only ${expected.length} keys found`);
  for (const key of expected) assert.ok(text.includes(`| \`${key}\` |`), `missing row for ${key}`);
});

test('the reference shows types, defaults and descriptions from the schema', () => {
  const text = renderReference(readPipelineSchema());
  assert.ok(text.includes('| `prefix` | string | `docpipe` | Prefix of every Redis key.'), 'prefix row');
  assert.ok(text.includes('| `defaults.block` | duration | `5s` |'), 'duration row');
  assert.ok(text.includes('| `defaults.retries.backoff` | `exponential` \\| `fixed` | `exponential` |'), 'enum row with escaped pipe');
  assert.ok(text.includes('| `stages[].name` | string | required |'), 'required row');
  assert.ok(text.includes('| `stages[].concurrency` | integer 1..1000 | `defaults.concurrency` |'), 'inherited row');
  assert.ok(text.includes('| `stages[].retries.max` | integer 1..1000 | `defaults.retries.max` |'), 'nested inherited row');
});

test('spliceReference replaces only the text between the markers', () => {
  const readme = `# t\n\nbefore\n\n${REFERENCE_START}\nold\n${REFERENCE_END}\n\nafter\n`;
  const next = spliceReference(readme, 'new | table');
  assert.equal(next, `# t\n\nbefore\n\n${REFERENCE_START}\nnew | table\n${REFERENCE_END}\n\nafter\n`);
  assert.equal(extractReference(next), 'new | table');
  assert.equal(spliceReference(next, 'new | table'), next);
});

test('spliceReference appends the markers to a README that has none', () => {
  assert.equal(spliceReference('# t\n', 'x'), `# t\n\n${REFERENCE_START}\nx\n${REFERENCE_END}\n`);
});

test('README.md error-code table equals src/errors.ts (every code documented)', () => {
  const readme = readFileSync(README_FILE, 'utf8');
  const block = readme.slice(readme.indexOf(ERRORS_START) + ERRORS_START.length, readme.indexOf(ERRORS_END)).trim();
  assert.equal(block, renderErrorCodes(ErrorCodes));
  for (const code of Object.keys(ErrorCodes)) assert.ok(block.includes(code), code);
});
