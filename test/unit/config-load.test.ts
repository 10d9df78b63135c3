import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ConfigError, loadPipeline, loadPipelineText } from '../../src/config/load.ts';
import { BASE, fixture, positionOf, REPO_ROOT, validateText } from '../fixtures/pipelines/index.ts';

const FILE = fixture('inline.yaml');

/** Problems of loading `text` (schema, YAML and interpolation: no module checks), as "line:col: message". */
function load(text: string, env: Record<string, string> = {}) {
  const r = loadPipelineText(FILE, text, env);
  return { ...r, lines: r.problems.map((p) => `${p.line}:${p.col}: ${p.message}`) };
}

function at(text: string, needle: string, from?: string): string {
  const { line, col } = positionOf(text, needle, from);
  return `${line}:${col}`;
}

test('the base fixture loads clean', () => {
  const r = load(BASE);
  assert.deepEqual(r.lines, []);
  assert.ok(r.config);
});

test('an unknown key beside a stage handler is reported at that key, naming it', () => {
  const text = BASE.replace(
    '    handler: ../../../stages/clean-cat.ts\n',
    '    handler: ../../../stages/clean-cat.ts\n    concurency: 3\n',
  );
  const r = load(text);
  assert.equal(r.lines.length, 1, r.lines.join('\n'));
  assert.equal(r.lines[0], `${at(text, 'concurency')}: unknown key "concurency" in stages.1`);
});

test('unknown keys at the top level and in nested maps are each reported at the key', () => {
  const text = BASE.replace('name: test-pipeline\n', 'name: test-pipeline\nworkers: 3\ndefaults:\n  retries: { max: 2, sleep: 1s }\n');
  const r = load(text);
  assert.deepEqual(
    r.lines.sort(),
    [`${at(text, 'workers')}: unknown key "workers" in the file`, `${at(text, 'sleep')}: unknown key "sleep" in defaults.retries`].sort(),
  );
});

test('a missing required key is reported at the stage that lacks it', () => {
  const text = BASE.replace('    input: ../../../schemas/clean-cat.json\n', '');
  const r = load(text);
  assert.deepEqual(r.lines, [`${at(text, 'name: clean-cat')}: missing required key "input" in stages.1`]);
});

test('missing top-level keys are each named', () => {
  const r = load('version: 1\n');
  assert.ok(r.lines.includes('1:1: missing required key "name" in the file'), r.lines.join('\n'));
  assert.ok(r.lines.includes('1:1: missing required key "stages" in the file'), r.lines.join('\n'));
});

test('bad durations are reported at the value, quoting it', () => {
  const text = BASE.replace(
    'name: test-pipeline\n',
    'name: test-pipeline\ndefaults:\n  block: 5 seconds\n  retries: { delay: 2x }\n',
  ).replace('    input: ../../../schemas/ocr.json\n', '    input: ../../../schemas/ocr.json\n    timeout: 10\n');
  const r = load(text);
  assert.deepEqual(
    r.lines.sort(),
    [
      `${at(text, '5 seconds')}: defaults.block: bad duration "5 seconds": use a number and a unit, e.g. 500ms, 2s, 5m, 1h, 7d`,
      `${at(text, '2x')}: defaults.retries.delay: bad duration "2x": use a number and a unit, e.g. 500ms, 2s, 5m, 1h, 7d`,
      `${at(text, '10', 'timeout:')}: stages.0.timeout must be string`,
    ].sort(),
  );
});

test('wrong types, enums and limits name the key', () => {
  const text = BASE.replace('name: test-pipeline\n', 'name: test-pipeline\nversion: 2\n'.replace('version: 2\n', 'prefix: "has space"\n'))
    .replace('version: 1', 'version: 2')
    .replace(
      '    input: ../../../schemas/ocr.json\n',
      '    input: ../../../schemas/ocr.json\n    concurrency: 0\n    retries: { backoff: linear }\n',
    );
  const r = load(text);
  const joined = r.lines.join('\n');
  assert.ok(r.lines.includes(`${at(text, '2')}: version must be 1`), joined);
  assert.ok(r.lines.includes(`${at(text, '0', 'concurrency:')}: stages.0.concurrency must be >= 1`), joined);
  assert.ok(r.lines.includes(`${at(text, 'linear')}: stages.0.retries.backoff must be one of "exponential", "fixed"`), joined);
  assert.ok(
    r.lines.some((l) => l.startsWith(`${at(text, '"has space"')}: prefix must match pattern`)),
    joined,
  );
});

test('${VAR} and ${VAR:-default} are interpolated from the given environment', () => {
  const text = BASE.replace(
    'name: test-pipeline\n',
    'name: test-pipeline\nredis: { url: "${REDIS_URL:-redis://127.0.0.1:6379}" }\nstore: { url: "${DATABASE_URL}" }\n',
  );
  const r = load(text, { DATABASE_URL: 'postgres://u@db:5432/legal' });
  assert.deepEqual(r.lines, []);
  assert.equal(r.config?.redis.url, 'redis://127.0.0.1:6379');
  assert.equal(r.config?.store.url, 'postgres://u@db:5432/legal');
});

test('an unset ${VAR} without default is reported at its value, naming the variable', () => {
  const text = BASE.replace('name: test-pipeline\n', 'name: test-pipeline\nstore: { url: "${DATABASE_URL}" }\n');
  const r = load(text);
  assert.deepEqual(r.lines, [
    `${at(text, '"${DATABASE_URL}"')}: environment variable DATABASE_URL is not set (use \${DATABASE_URL:-default} to give a default)`,
  ]);
});

test('bad env syntax (${FOO unterminated, ${1X}) is reported at each value', () => {
  const text = BASE.replace('name: test-pipeline\n', 'name: test-pipeline\nredis: { url: "redis://${FOO" }\nstore: { url: "${1X}" }\n');
  const r = load(text, { FOO: 'set', '1X': 'set' });
  assert.deepEqual(r.lines, [
    `${at(text, '"redis://${FOO"')}: unterminated "\${" in "redis://\${FOO"`,
    `${at(text, '"${1X}"')}: bad environment reference "\${1X}": expected \${NAME} or \${NAME:-default}`,
  ]);
});

test('$${ escapes a literal ${ in the file', () => {
  // (a function replacement: in a replacement string "$$" would itself collapse to "$")
  const text = BASE.replace(
    '    input: ../../../schemas/ocr.json\n',
    () => '    input: ../../../schemas/ocr.json\n    options: { template: "$${document_uuid}" }\n',
  );
  assert.ok(text.includes('"$${document_uuid}"'));
  const r = load(text, { document_uuid: 'never used' });
  assert.deepEqual(r.lines, []);
  assert.equal(r.config?.stages[0]?.options['template'], '${document_uuid}');
});

test('regression: an unquoted ${VAR} for a number or boolean keeps its YAML type', () => {
  const text = BASE.replace(
    'name: test-pipeline\n',
    'name: test-pipeline\ndefaults:\n  concurrency: ${OCR_CONCURRENCY:-4}\n  block: ${BLOCK:-2s}\n  retries:\n    jitter: ${JITTER:-true}\n',
  );
  const unset = load(text);
  assert.deepEqual(unset.lines, []);
  assert.equal(unset.config?.stages[0]?.concurrency, 4);
  assert.equal(unset.config?.stages[0]?.blockMs, 2000);
  assert.equal(unset.config?.stages[0]?.retries.jitter, true);
  const set = load(text, { OCR_CONCURRENCY: '12', JITTER: 'false' });
  assert.equal(set.config?.stages[1]?.concurrency, 12);
  assert.equal(set.config?.stages[1]?.retries.jitter, false);
  // Quoted, the value stays a string, as in plain YAML.
  const quotedText = text.replace('${OCR_CONCURRENCY:-4}', '"${OCR_CONCURRENCY:-4}"');
  assert.deepEqual(load(quotedText).lines, [`${at(quotedText, '"${OCR_CONCURRENCY')}: defaults.concurrency must be integer`]);
});

test('duplicate stage names are reported at the second name', () => {
  const text = BASE + '  - name: ocr\n    handler: ../../../stages/ocr.ts\n    input: ../../../schemas/ocr.json\n';
  const r = load(text);
  assert.deepEqual(r.lines, [`${at(text, 'ocr', '  - name: clean-cat')}: duplicate stage name "ocr" (first declared at stages[0])`]);
});

test('a stream override that collides with another stage stream is reported at the override', () => {
  const text = BASE.replace(
    '    input: ../../../schemas/clean-cat.json\n',
    '    input: ../../../schemas/clean-cat.json\n    stream: docpipe:ocr:pending\n',
  );
  const r = load(text);
  assert.deepEqual(r.lines, [
    `${at(text, 'docpipe:ocr:pending')}: stream "docpipe:ocr:pending" of stage "clean-cat" is already used by stages[0]`,
  ]);
});

test('regression: a duplicate YAML key is reported at the second key, naming it', () => {
  const text = BASE.replace('name: test-pipeline\n', 'name: test-pipeline\nprefix: a\nprefix: b\n');
  const r = load(text);
  assert.deepEqual(r.lines, [`${at(text, 'prefix: b')}: duplicate key "prefix" (each key may appear once in a mapping)`]);
  assert.equal(r.config, undefined);
});

test('a duplicate key inside a stage is reported too', () => {
  const text = BASE.replace(
    '    input: ../../../schemas/ocr.json\n',
    '    input: ../../../schemas/ocr.json\n    handler: ../../../stages/ner.ts\n',
  );
  const r = load(text);
  assert.deepEqual(r.lines, [
    `${at(text, 'handler: ../../../stages/ner.ts')}: duplicate key "handler" (each key may appear once in a mapping)`,
  ]);
});

test('YAML syntax errors are reported with line and column', () => {
  const text = BASE.replace('  - name: clean-cat\n', '  - name: clean-cat\n\thandler: tab\n');
  const r = load(text);
  assert.equal(r.config, undefined);
  assert.equal(r.lines.length, 1, `one problem where the mistake is, not the errors that follow from it:\n${r.lines.join('\n')}`);
  assert.ok(r.lines[0]!.startsWith(`${at(text, '\thandler')}: Tabs are not allowed as indentation`), r.lines[0]);
});

test('an unclosed flow mapping is a syntax error located on its line', () => {
  const text = BASE.replace('name: test-pipeline\n', 'name: test-pipeline\nredis: { url: x\n');
  const r = load(text);
  assert.equal(r.config, undefined);
  assert.ok(r.problems.length >= 1);
  assert.ok(
    r.problems.some((p) => p.line === positionOf(text, 'redis:').line || p.line === positionOf(text, 'redis:').line + 1),
    r.lines.join('\n'),
  );
});

test('a file that is not a mapping is rejected at 1:1', () => {
  for (const text of ['', '- a\n- b\n', 'just text\n']) {
    assert.deepEqual(load(text).lines, ['1:1: the pipeline file must be a mapping with version, name and stages'], JSON.stringify(text));
  }
});

test('billion laughs: an alias blow-up is rejected with a clear error, quickly', () => {
  const rows = ['version: 1', 'name: laughs', 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  const names = 'abcdefghij';
  for (let i = 1; i < names.length; i++) {
    const prev = names[i - 1]!;
    rows.push(`${names[i]}: &${names[i]} [${Array(9).fill(`*${prev}`).join(',')}]`);
  }
  rows.push('stages: []');
  const r = load(rows.join('\n') + '\n');
  assert.equal(r.config, undefined);
  assert.equal(r.lines.length, 1, r.lines.join('\n'));
  assert.match(r.lines[0]!, /^1:1: cannot expand the YAML: .*resource exhaustion/);
});

test('a few ordinary aliases are fine', () => {
  const text = BASE.replace('name: test-pipeline\n', 'name: test-pipeline\ndefaults:\n  retries: &r { max: 7 }\n').replace(
    '    input: ../../../schemas/ocr.json\n',
    '    input: ../../../schemas/ocr.json\n    retries: *r\n',
  );
  const r = load(text);
  assert.deepEqual(r.lines, []);
  assert.equal(r.config?.stages[0]?.retries.max, 7);
});

test('defaults: every schema default is applied when the file sets nothing', () => {
  const c = load(BASE).config!;
  const s = c.stages[0]!;
  assert.equal(c.prefix, 'docpipe');
  assert.equal(c.redis.url, 'redis://127.0.0.1:6379');
  assert.equal(c.store.url, 'embedded');
  assert.equal(c.intake, undefined);
  assert.deepEqual(
    {
      concurrency: s.concurrency,
      batch: s.batch,
      blockMs: s.blockMs,
      timeoutMs: s.timeoutMs,
      idleMs: s.idleMs,
      maxMessageBytes: s.maxMessageBytes,
    },
    { concurrency: 4, batch: 10, blockMs: 5000, timeoutMs: 600_000, idleMs: 300_000, maxMessageBytes: 65536 },
  );
  assert.deepEqual(s.retries, { max: 3, backoff: 'exponential', delayMs: 2000, maxDelayMs: 300_000, jitter: true });
  assert.match(c.pipelineVersion, /^test-pipeline@[0-9a-f]{12}$/);
});

test('defaults: stages inherit `defaults`, their own settings win, retries merge field by field', () => {
  const text = BASE.replace(
    'name: test-pipeline\n',
    'name: test-pipeline\ndefaults:\n  concurrency: 6\n  timeout: 30s\n  retries: { max: 4, delay: 1s, jitter: false }\n',
  ).replace(
    '    input: ../../../schemas/clean-cat.json\n',
    '    input: ../../../schemas/clean-cat.json\n    concurrency: 1\n    idle: 90s\n    retries: { max: 9, backoff: fixed }\n',
  );
  const [ocr, clean] = load(text).config!.stages;
  assert.equal(ocr?.concurrency, 6);
  assert.equal(ocr?.timeoutMs, 30_000);
  assert.deepEqual(ocr?.retries, { max: 4, backoff: 'exponential', delayMs: 1000, maxDelayMs: 300_000, jitter: false });
  assert.equal(clean?.concurrency, 1);
  assert.equal(clean?.timeoutMs, 30_000);
  assert.equal(clean?.idleMs, 90_000);
  assert.deepEqual(clean?.retries, { max: 9, backoff: 'fixed', delayMs: 1000, maxDelayMs: 300_000, jitter: false });
});

test('names: stream, group and DLQ derive from prefix and stage (DESIGN §3)', () => {
  const c = load(BASE).config!;
  assert.deepEqual(
    c.stages.map((s) => [s.stream, s.group, s.dlq]),
    [
      ['docpipe:ocr:pending', 'ocr-service-group', 'docpipe:ocr:dlq'],
      ['docpipe:clean-cat:pending', 'clean-cat-service-group', 'docpipe:clean-cat:dlq'],
    ],
  );
  assert.equal(c.completed.stream, 'docpipe:processing:completed');
});

test('names: a custom prefix (Redis Cluster hash tag) flows into every derived name', () => {
  const c = load(BASE.replace('name: test-pipeline\n', 'name: test-pipeline\nprefix: "{legal}"\n')).config!;
  assert.equal(c.stages[1]?.stream, '{legal}:clean-cat:pending');
  assert.equal(c.stages[1]?.dlq, '{legal}:clean-cat:dlq');
  assert.equal(c.stages[1]?.group, 'clean-cat-service-group');
  assert.equal(c.completed.stream, '{legal}:processing:completed');
});

test('names: stream, group and DLQ can be overridden per stage, and the completed stream too', () => {
  const text =
    BASE.replace(
      '    input: ../../../schemas/ocr.json\n',
      '    input: ../../../schemas/ocr.json\n    stream: seed:ocr_queue\n    group: ocr-workers\n    dlq: seed:ocr_dead\n',
    ) + 'completed: { stream: seed:done }\n';
  const c = load(text).config!;
  assert.deepEqual([c.stages[0]?.stream, c.stages[0]?.group, c.stages[0]?.dlq], ['seed:ocr_queue', 'ocr-workers', 'seed:ocr_dead']);
  assert.deepEqual([c.stages[1]?.stream, c.stages[1]?.group], ['docpipe:clean-cat:pending', 'clean-cat-service-group']);
  assert.equal(c.completed.stream, 'seed:done');
});

test('the completed stream may not be a stage stream', () => {
  const text = BASE + 'completed: { stream: docpipe:ocr:pending }\n';
  const r = load(text);
  assert.equal(r.config, undefined);
  assert.deepEqual(r.lines, [`${at(text, '{ stream')}: the completed stream "docpipe:ocr:pending" is also a stage stream`]);
});

test('paths resolve relative to the pipeline file and the config is frozen', () => {
  const c = load(BASE).config!;
  assert.equal(c.stages[0]?.handler, `${REPO_ROOT}/stages/ocr.ts`);
  assert.equal(c.stages[0]?.input, `${REPO_ROOT}/schemas/ocr.json`);
  assert.ok(Object.isFrozen(c) && Object.isFrozen(c.stages) && Object.isFrozen(c.stages[0]) && Object.isFrozen(c.stages[0]?.retries));
  assert.throws(() => {
    (c.stages[0] as { concurrency: number }).concurrency = 99;
  }, TypeError);
});

test('loadPipeline throws a ConfigError (kind config, DP_ERR_CONFIG_INVALID) listing every problem', () => {
  assert.throws(
    () => loadPipeline(fixture('two-stages.yaml'), {}),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.kind, 'config');
      assert.equal(err.code, 'DP_ERR_CONFIG_INVALID');
      assert.match(err.message, /two-stages\.yaml:\d+:\d+: stages\.2\.timeout: bad duration "10 minutes"/);
      return true;
    },
  );
});

test('loadPipeline on a missing file throws DP_ERR_CONFIG_UNREADABLE', () => {
  assert.throws(() => loadPipeline(fixture('no-such-file.yaml')), { code: 'DP_ERR_CONFIG_UNREADABLE' });
});

test('the shipped pipeline.yaml loads with its six stages in order', () => {
  const c = loadPipeline(`${REPO_ROOT}/pipeline.yaml`, {});
  assert.deepEqual(
    c.stages.map((s) => s.name),
    ['ocr', 'clean-cat', 'chunking', 'ner', 'resolution', 'relationships'],
  );
  assert.equal(readFileSync(`${REPO_ROOT}/pipeline.yaml`, 'utf8').includes('version: 1'), true);
});

test('the shipped pipeline.yaml passes every module check', async () => {
  const r = await validateText(readFileSync(`${REPO_ROOT}/pipeline.yaml`, 'utf8').replace(/\.\/(stages|schemas)\//g, '../../../$1/'));
  assert.deepEqual(r.lines, []);
});
