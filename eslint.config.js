import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';

/**
 * Layer boundaries (docs/architecture.md): which folder of src/ may import which. A layer's imports
 * are relative (`../store/db.ts`, from stages/ `../src/store/db.ts`), so a folder is matched by name
 * after the `../` steps.
 */
const layer = (name, why, except = '') => ({
  regex: `^(\\.\\./)+(src/)?${name}/${except}`,
  message: `${name}/ is out of bounds here: ${why} (docs/architecture.md)`,
});
const FS = ['node:fs', 'node:fs/promises', 'fs', 'fs/promises'].map((name) => ({
  name,
  message: 'the store does not touch the file system: the caller probes files and passes what it found (providers/probe.ts)',
}));

const RUNTIME = ['worker', 'streams', 'ops', 'cli', 'dashboard'];
const bounds = {
  config: {
    why: 'config reads the pipeline file and knows nothing of handlers, Redis or the store (checks that need them: worker/preflight.ts)',
    layers: ['api', 'worker', 'streams', 'store', 'providers', 'ops', 'cli', 'dashboard', 'nlp', 'graph', 'messages', 'state'],
  },
  nlp: {
    why: 'NLP is pure: text in, facts out; persistence is in store/neo4j/ and the stages',
    layers: ['store', 'api', 'graph', 'config', ...RUNTIME],
    providersTypesOnly: true,
  },
  graph: {
    why: 'the graph is built from facts in memory; its tables are in store/neo4j/',
    layers: ['store', 'providers', 'api', ...RUNTIME],
  },
  providers: {
    why: 'providers talk to files and outside services; what they keep (the LLM cache) is injected',
    layers: ['store', 'api', 'nlp', 'graph', ...RUNTIME],
  },
  store: {
    why: 'the store records what it is given: no file probing, no providers, no Redis',
    layers: ['providers', 'api', ...RUNTIME],
    fs: true,
  },
  streams: {
    why: 'streams are the Redis transport; they know no store, providers or handlers',
    layers: ['store', 'providers', 'api', 'nlp', 'graph', 'worker', 'ops', 'cli', 'dashboard'],
  },
  messages: {
    why: 'message codecs and schemas sit below every runtime layer',
    layers: ['store', 'providers', 'api', 'nlp', 'graph', ...RUNTIME],
  },
  state: { why: 'the document state machine is pure', layers: ['store', 'providers', 'api', 'nlp', 'graph', 'messages', ...RUNTIME] },
  api: { why: 'the stage API is what handlers see; it does not reach into the runtime', layers: RUNTIME },
  worker: { why: 'workers run stages; operator commands and the CLI sit above them', layers: ['ops', 'cli', 'dashboard'] },
  ops: {
    why: 'operator reads sit beside the workers: only the worker pre-flight (worker/preflight.ts) and its read-only observer interface (worker/observer.ts) are theirs to use',
    layers: ['cli', 'dashboard'],
    workerExceptPreflight: true,
  },
  dashboard: { why: 'the dashboard shows what ops/ reads', layers: ['worker', 'cli'] },
  util: {
    why: 'shared helpers (sleep, uuid) depend on nothing, so every layer may use them',
    layers: ['config', 'state', 'messages', 'nlp', 'graph', 'providers', 'store', 'api', 'testing', ...RUNTIME],
  },
  telemetry: {
    why: 'tracing is called by the worker and providers; it knows messages and stage config, not them',
    layers: ['store', 'providers', 'nlp', 'graph', 'testing', ...RUNTIME],
  },
  testing: { why: 'docpipe/testing builds what a handler sees (api, store, providers), not the runtime', layers: RUNTIME },
};

function boundary(folder, b) {
  const patterns = b.layers.map((name) => layer(name, b.why));
  if (b.providersTypesOnly)
    patterns.push(layer('providers', `${b.why} (it may use the provider interfaces, providers/types.ts)`, '(?!types\\.ts$)'));
  if (b.workerExceptPreflight) patterns.push(layer('worker', b.why, '(?!(preflight|observer)\\.ts$)'));
  return { patterns, ...(b.fs ? { paths: FS } : {}) };
}

const boundaryConfigs = Object.entries(bounds).map(([folder, b]) => ({
  files: [`src/${folder}/**/*.ts`],
  rules: { 'no-restricted-imports': ['error', boundary(folder, b)] },
}));

/** Known exceptions, each a warning until the file it names is changed (see docs/architecture.md). */
const warnings = [
  // reads the migrations shipped beside it; embedded.ts runs a Postgres server in a data folder
  {
    files: ['src/store/db.ts', 'src/store/embedded*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: boundary('store', bounds.store).patterns }] },
  },
];

export default tseslint.config(
  { ignores: ['node_modules/', '.docpipe/', '.scratch/', 'test-artifacts/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
      // the house stays small: a file past this is two responsibilities (split it, as worker/ and streams/ are)
      'max-lines': ['error', { max: 400, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    files: ['**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    files: ['stages/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: ['worker', 'streams', 'ops', 'cli', 'dashboard'].map((name) =>
            layer(name, 'a stage uses the stage API (docpipe), nlp/, graph/, providers/ and store/neo4j/, not the runtime'),
          ),
        },
      ],
    },
  },
  ...boundaryConfigs,
  ...warnings,
  {
    // no import cycles anywhere in the code (tests and scripts may import what they test)
    files: ['src/**/*.ts', 'stages/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js'] })],
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
);
