import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, positionOf, validateText } from '../fixtures/pipelines/index.ts';

function at(text: string, needle: string, from?: string): string {
  const { line, col } = positionOf(text, needle, from);
  return `inline.yaml:${line}:${col}`;
}

test('the base fixture passes the module checks (handlers load, schemas compile)', async () => {
  assert.deepEqual((await validateText(BASE)).lines, []);
});

test('a handler pointing at a missing module is reported at that handler, naming the module', async () => {
  const text = BASE.replace('../../../stages/clean-cat.ts', './handlers/no-such-stage.ts');
  const r = await validateText(text);
  assert.deepEqual(r.lines, [`${at(text, './handlers/no-such-stage.ts')}: handler module not found: ./handlers/no-such-stage.ts`]);
});

test('a handler whose default export was not made by defineStage is reported', async () => {
  const text = BASE.replace('../../../stages/ocr.ts', './handlers/not-a-stage.ts');
  const r = await validateText(text);
  assert.deepEqual(r.lines, [
    `${at(text, './handlers/not-a-stage.ts')}: handler module ./handlers/not-a-stage.ts does not export a stage (export default defineStage({...}))`,
  ]);
});

test('a handler that throws while loading is reported with the first line of its error', async () => {
  const text = BASE.replace('../../../stages/ocr.ts', './handlers/throws-on-load.ts');
  const r = await validateText(text);
  assert.deepEqual(r.lines, [
    `${at(text, './handlers/throws-on-load.ts')}: handler module ./handlers/throws-on-load.ts fails to load: fixture handler refuses to load`,
  ]);
});

test('a handler outside stages/ that imports docpipe by self-reference is accepted', async () => {
  const r = await validateText(BASE.replace('../../../stages/ocr.ts', './handlers/echo.ts'));
  assert.deepEqual(r.lines, []);
});

test('an input schema that does not exist, is not JSON, or does not compile is reported at `input`', async () => {
  const text =
    BASE.replace('../../../schemas/ocr.json', './schemas/missing.json').replace(
      '../../../schemas/clean-cat.json',
      './schemas/not-json.json',
    ) + '  - name: third\n    handler: ../../../stages/ner.ts\n    input: ./schemas/does-not-compile.json\n';
  const r = await validateText(text);
  assert.equal(r.lines.length, 3, r.lines.join('\n'));
  assert.equal(r.lines[0], `${at(text, './schemas/missing.json')}: input schema not found: ./schemas/missing.json`);
  assert.ok(
    r.lines[1]!.startsWith(`${at(text, './schemas/not-json.json')}: input schema ./schemas/not-json.json does not compile: `),
    r.lines[1],
  );
  assert.ok(
    r.lines[2]!.startsWith(
      `${at(text, './schemas/does-not-compile.json')}: input schema ./schemas/does-not-compile.json does not compile: `,
    ),
    r.lines[2],
  );
});

test('problems on two different stages are both reported, each at its own line', async () => {
  const text = BASE.replace('../../../stages/ocr.ts', '../../../stages/ocr-v2.ts').replace(
    '../../../schemas/clean-cat.json',
    './schemas/gone.json',
  );
  const r = await validateText(text);
  assert.deepEqual(r.lines, [
    `${at(text, '../../../stages/ocr-v2.ts')}: handler module not found: ../../../stages/ocr-v2.ts`,
    `${at(text, './schemas/gone.json')}: input schema not found: ./schemas/gone.json`,
  ]);
  assert.notEqual(r.problems[0]!.line, r.problems[1]!.line);
});

test('module checks still run when the schema fails elsewhere in the file', async () => {
  const text = BASE.replace('    input: ../../../schemas/ocr.json\n', '    input: ../../../schemas/ocr.json\n    timeout: soon\n').replace(
    '../../../stages/clean-cat.ts',
    '../../../stages/missing.ts',
  );
  const r = await validateText(text);
  assert.equal(r.config, undefined);
  assert.deepEqual(r.lines, [
    `${at(text, 'soon')}: stages.0.timeout: bad duration "soon": use a number and a unit, e.g. 500ms, 2s, 5m, 1h, 7d`,
    `${at(text, '../../../stages/missing.ts')}: handler module not found: ../../../stages/missing.ts`,
  ]);
});

test('an output that lacks a field the next input requires is reported at `output`', async () => {
  const text = BASE.replace(
    '    input: ../../../schemas/ocr.json\n',
    '    input: ../../../schemas/ocr.json\n    output: ./schemas/ocr-output-without-source-id.json\n',
  );
  const r = await validateText(text);
  assert.deepEqual(r.lines, [
    `${at(text, './schemas/ocr-output-without-source-id.json')}: output of stage "ocr" does not fit the input of "clean-cat": field "source_doc_sql_id" required by the next stage is not in the output schema`,
  ]);
});

test('an output field whose type the next input does not accept is reported at `output`', async () => {
  const text = BASE.replace(
    '    input: ../../../schemas/ocr.json\n',
    '    input: ../../../schemas/ocr.json\n    output: ./schemas/ocr-output-wrong-type.json\n',
  );
  const r = await validateText(text);
  assert.deepEqual(r.lines, [
    `${at(text, './schemas/ocr-output-wrong-type.json')}: output of stage "ocr" does not fit the input of "clean-cat": field "page_count" is string in the output but integer in the next stage's input`,
  ]);
});

test('an output that fits the next input passes', async () => {
  const text = BASE.replace(
    '    input: ../../../schemas/ocr.json\n',
    '    input: ../../../schemas/ocr.json\n    output: ../../../schemas/clean-cat.json\n',
  );
  assert.deepEqual((await validateText(text)).lines, []);
});

test('the last stage output is checked against the completed schema', async () => {
  const text =
    BASE.replace(
      '    input: ../../../schemas/clean-cat.json\n',
      '    input: ../../../schemas/clean-cat.json\n    output: ../../../schemas/clean-cat.json\n',
    ) + 'completed: { schema: ../../../schemas/completed.json }\n';
  const r = await validateText(text);
  assert.ok(r.lines.length >= 1, 'expected a misfit against completed.json');
  for (const line of r.lines)
    assert.ok(
      line.startsWith(
        `${at(text, '../../../schemas/clean-cat.json', 'output:')}: output of stage "clean-cat" does not fit the input of "completed": `,
      ),
      line,
    );
  assert.ok(
    r.lines.some((l) => l.includes('field "status" required by the next stage is not in the output schema')),
    r.lines.join('\n'),
  );
});

test('a missing completed schema is reported at `completed.schema`', async () => {
  const text = BASE + 'completed: { schema: ./schemas/completed-missing.json }\n';
  const r = await validateText(text);
  assert.deepEqual(r.lines, [
    `${at(text, './schemas/completed-missing.json')}: completed schema not found: ./schemas/completed-missing.json`,
  ]);
});
