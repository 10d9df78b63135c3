/**
 * `docpipe validate` sees a broken chain: every shipped stage declares its output schema (and the
 * schema of its options), so removing or reordering stages, or a typo in `options:`, is reported at
 * file:line:col instead of dead-lettering every document at run time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isStage } from '../../src/api/stage.ts';
import { validateCommand } from '../../src/cli/validate.ts';
import { readSchema, schemaFitProblems, schemaOf } from '../../src/messages/schemas.ts';
import { fixture, positionOf, REPO_ROOT } from '../fixtures/pipelines/index.ts';

async function validate(file: string): Promise<{ code: number; err: string[] }> {
  const err: string[] = [];
  const code = await validateCommand(file, { log: () => {}, error: (s) => err.push(s) });
  return { code, err };
}

function at(file: string, needle: string, from?: string): string {
  const { line, col } = positionOf(readFileSync(file, 'utf8'), needle, from);
  return `${path.relative(process.cwd(), file)}:${line}:${col}`;
}

const SHIPPED = ['ocr', 'clean-cat', 'chunking', 'ner', 'resolution', 'relationships'];

test('every shipped stage declares an output schema and an options schema; each output fits the next input', async () => {
  const outputs = [];
  for (const name of SHIPPED) {
    const mod = (await import(path.join(REPO_ROOT, 'stages', `${name}.ts`))) as { default: unknown };
    assert.ok(isStage(mod.default));
    assert.ok(mod.default.output, `${name} declares its output`);
    assert.ok(mod.default.options, `${name} declares its options`);
    outputs.push(schemaOf(mod.default.output));
  }
  const inputs = [
    ...SHIPPED.slice(1).map((n) => readSchema(path.join(REPO_ROOT, 'schemas', `${n}.json`))),
    readSchema(path.join(REPO_ROOT, 'schemas/completed.json')),
  ];
  outputs.forEach((out, i) =>
    assert.deepEqual(schemaFitProblems(out, inputs[i]!), [], `${SHIPPED[i]} -> ${SHIPPED[i + 1] ?? 'completed'}`),
  );
});

test("resolution removed: ner's output does not give relationships its canonical_count (exit 1, at the ner entry)", async () => {
  const file = fixture('chain-without-resolution.yaml');
  const r = await validate(file);
  assert.equal(r.code, 1);
  const ner = at(file, 'name: ner');
  assert.ok(
    r.err.includes(
      `${ner}: output of stage "ner" does not fit the input of "relationships": field "canonical_count" required by the next stage is not in the output schema`,
    ),
    r.err.join('\n'),
  );
  assert.ok(
    r.err.every((l) => l.startsWith(ner) || / problems?$/.test(l)),
    r.err.join('\n'),
  );
});

test('chunking and ner swapped: every broken link is reported at the stage whose output breaks it', async () => {
  const file = fixture('chain-swapped.yaml');
  const r = await validate(file);
  assert.equal(r.code, 1);
  const required = (stage: string, next: string, field: string) =>
    `${at(file, `name: ${stage}`)}: output of stage "${stage}" does not fit the input of "${next}": field "${field}" required by the next stage is not in the output schema`;
  assert.ok(r.err.includes(required('clean-cat', 'ner', 'chunk_count')), r.err.join('\n'));
  assert.ok(r.err.includes(required('chunking', 'resolution', 'mention_count')), r.err.join('\n'));
  assert.ok(
    r.err.some((l) => l.startsWith(`${at(file, 'name: ner')}: output of stage "ner" does not fit the input of "chunking"`)),
    r.err.join('\n'),
  );
  assert.equal(r.err.at(-1), `${path.relative(process.cwd(), file)}: 6 problems`);
});

test("a typo in a stage's options, and an option a stage does not take: exit 1, at the option key", async () => {
  const file = fixture('options-typo.yaml');
  const r = await validate(file);
  assert.equal(r.code, 1);
  assert.deepEqual(r.err, [
    `${at(file, 'max_token:')}: stage "chunking": unknown option "max_token" (allowed: max_tokens, overlap_tokens, min_tokens)`,
    `${at(file, 'model: big')}: stage "ner": unknown option "model" (this stage takes no options)`,
    `${path.relative(process.cwd(), file)}: 2 problems`,
  ]);
});

test('an option of the wrong type is reported; quoted numbers (from ${VAR}) are accepted', async () => {
  const { loadPipelineText } = await import('../../src/config/load.ts');
  const { checkPipeline } = await import('../../src/worker/preflight.ts');
  const text = readFileSync(path.join(REPO_ROOT, 'pipeline.yaml'), 'utf8');
  const file = path.join(REPO_ROOT, 'pipeline.yaml');
  const bad = text.replace('options: { max_tokens: 512, overlap_tokens: 64 }', 'options: { max_tokens: many, overlap_tokens: "64" }');
  assert.notEqual(bad, text);
  const loaded = loadPipelineText(file, bad);
  const problems = await checkPipeline(loaded.config!, loaded.source);
  assert.deepEqual(
    problems.map((p) => p.message),
    ['stage "chunking": option "max_tokens" must be integer'],
  );
});
