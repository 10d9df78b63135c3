/**
 * Generates the README's "pipeline.yaml reference" from schemas/pipeline.schema.json (the one
 * source for validation, defaults and these docs) and writes it between the reference markers.
 *
 *   node --import tsx scripts/gen-reference.ts           rewrite README.md
 *   node --import tsx scripts/gen-reference.ts --check   exit 1 when README.md is out of date
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ErrorCodes } from '../src/errors.ts';

export const REFERENCE_START = '<!-- reference:start -->';
export const REFERENCE_END = '<!-- reference:end -->';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SCHEMA_FILE = path.join(REPO_ROOT, 'schemas/pipeline.schema.json');
export const README_FILE = path.join(REPO_ROOT, 'README.md');

interface Schema {
  $ref?: string;
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  oneOf?: Schema[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  $defs?: Record<string, Schema>;
}

interface Row {
  key: string;
  type: string;
  default: string;
  description: string;
}

/** A `$defs` entry that gets its own table, with the key path its rows are shown under. */
interface Section {
  def: string;
  title: string;
  prefix: string;
  intro: string;
}

const SECTIONS: Section[] = [
  {
    def: 'workerSettings',
    title: 'Worker settings: `defaults`, and each stage',
    prefix: 'defaults.',
    intro: 'Every stage inherits these from `defaults`; a stage may set any of them itself (its own value wins).',
  },
  {
    def: 'retries',
    title: "Retry policy: `defaults.retries`, and each stage's `retries`",
    prefix: 'defaults.retries.',
    intro: "A stage's `retries` is merged field by field over `defaults.retries`.",
  },
  {
    def: 'stage',
    title: 'Stage: each entry of `stages`',
    prefix: 'stages[].',
    intro:
      "Stage order is list order. Names derive from the seed's convention: stream `<prefix>:<name>:pending`, group `<name>-service-group`, dead letters `<prefix>:<name>:dlq`, terminal stream `<prefix>:processing:completed`.",
  },
];

function refName(ref: string): string {
  return ref.replace('#/$defs/', '');
}

function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

function code(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return `\`${text}\``;
}

function range(s: Schema): string {
  if (s.minimum !== undefined && s.maximum !== undefined) return ` ${s.minimum}..${s.maximum}`;
  if (s.minimum !== undefined) return ` ≥ ${s.minimum}`;
  if (s.maximum !== undefined) return ` ≤ ${s.maximum}`;
  return '';
}

function typeOf(s: Schema, root: Schema): string {
  if (s.$ref) {
    const name = refName(s.$ref);
    if (name === 'duration') return 'duration';
    const section = SECTIONS.find((x) => x.def === name);
    return section ? `object (see ${section.title.split(':')[0]!.toLowerCase()})` : typeOf(root.$defs?.[name] ?? {}, root);
  }
  if (s.const !== undefined) return code(s.const);
  if (s.enum) return s.enum.map(code).join(' | ');
  if (s.oneOf) return s.oneOf.map((o) => typeOf(o, root)).join(' or ');
  if (s.type === 'array') return `list of ${s.items ? typeOf(s.items, root) : 'any'}`;
  if (s.type === 'object' && !s.properties) return 'object (free-form)';
  const type = Array.isArray(s.type) ? s.type.join(' or ') : (s.type ?? 'any');
  return type + (s.type === 'integer' || s.type === 'number' ? range(s) : '');
}

function describe(s: Schema): string {
  return s.description ?? '';
}

function defaultOf(s: Schema, required: boolean, inherited: string | undefined): string {
  if (required) return 'required';
  if (inherited) return inherited;
  if (s.default === undefined) return '';
  if (s.properties || s.$ref) {
    // An object default of {} only means "the section is optional": its fields carry the defaults.
    if (s.default && typeof s.default === 'object' && Object.keys(s.default).length === 0) return '';
  }
  return code(s.default);
}

/**
 * Rows for the properties of `s`, recursing into nested objects. `inherit` is the schema whose
 * defaults a key without its own default falls back to (a stage's settings inherit `defaults`).
 */
function rows(s: Schema, root: Schema, prefix: string, inherit?: { from: string; schema: Schema }): Row[] {
  const out: Row[] = [];
  const required = new Set(s.required ?? []);
  for (const [key, prop] of Object.entries(s.properties ?? {})) {
    const base = inherit?.schema.properties?.[key];
    const inherited = base && prop.default === undefined ? `\`${inherit.from}${key}\`` : undefined;
    let description = describe(prop);
    if (!description && inherited) description = `Overrides ${inherited} for this stage.`;
    out.push({ key: `${prefix}${key}`, type: typeOf(prop, root), default: defaultOf(prop, required.has(key), inherited), description });
    if (prop.properties) {
      const nested = base ? { from: `${inherit.from}${key}.`, schema: resolveRef(base, root) } : undefined;
      out.push(...rows(prop, root, `${prefix}${key}.`, nested));
    }
  }
  return out;
}

function resolveRef(s: Schema, root: Schema): Schema {
  return s.$ref ? (root.$defs?.[refName(s.$ref)] ?? {}) : s;
}

function table(list: Row[]): string {
  const lines = ['| key | type | default | description |', '|---|---|---|---|'];
  for (const r of list) lines.push(`| \`${r.key}\` | ${cell(r.type)} | ${cell(r.default)} | ${cell(r.description)} |`);
  return lines.join('\n');
}

/** The markdown between the markers (markers excluded). Deterministic: it depends on the schema only. */
export function renderReference(schema: Schema): string {
  const parts: string[] = [
    '<!-- Generated from schemas/pipeline.schema.json by `node --import tsx scripts/gen-reference.ts`; do not edit by hand. -->',
    '',
    schema.description ?? '',
    'Unknown keys are errors. Any value may use `${VAR}` or `${VAR:-default}` from the environment (`$${` is a literal `${`); unquoted, the result reads as YAML would (`concurrency: ${N:-4}` is a number).',
    `Durations: ${schema.$defs?.['duration']?.description?.replace(/^A duration: /, '') ?? ''}`,
    '',
    '### Top level',
    '',
    table(rows(schema, schema, '')),
  ];
  const worker = schema.$defs?.['workerSettings'] ?? {};
  for (const section of SECTIONS) {
    const def = schema.$defs?.[section.def];
    if (!def) continue;
    const inherit = section.def === 'stage' ? { from: 'defaults.', schema: worker } : undefined;
    parts.push('', `### ${section.title}`, '', section.intro, '', table(rows(def, schema, section.prefix, inherit)));
  }
  return parts.join('\n');
}

/** Replaces the text between the markers; a README without markers gets them appended. */
export function spliceReference(readme: string, block: string): string {
  const start = readme.indexOf(REFERENCE_START);
  const end = readme.indexOf(REFERENCE_END);
  const wrapped = `${REFERENCE_START}\n${block}\n${REFERENCE_END}`;
  if (start === -1 || end === -1 || end < start) return `${readme.replace(/\n*$/, '\n\n')}${wrapped}\n`;
  return readme.slice(0, start) + wrapped + readme.slice(end + REFERENCE_END.length);
}

/** The text between the markers of a README (undefined when it has none). */
export function extractReference(readme: string): string | undefined {
  const start = readme.indexOf(REFERENCE_START);
  const end = readme.indexOf(REFERENCE_END);
  if (start === -1 || end < start) return undefined;
  return readme
    .slice(start + REFERENCE_START.length, end)
    .replace(/^\n/, '')
    .replace(/\n$/, '');
}

export const ERRORS_START = '<!-- errors:start -->';
export const ERRORS_END = '<!-- errors:end -->';

/** The error-code table, from the one declaration in src/errors.ts. */
export function renderErrorCodes(codes: Readonly<Record<string, string>>): string {
  const lines = ['| code | meaning |', '|---|---|'];
  for (const [code, meaning] of Object.entries(codes)) lines.push(`| \`${code}\` | ${cell(meaning)} |`);
  return lines.join('\n');
}

export function spliceBetween(text: string, start: string, end: string, block: string): string {
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a === -1 || b === -1) return text;
  return text.slice(0, a) + `${start}\n${block}\n${end}` + text.slice(b + end.length);
}

export function readPipelineSchema(): Schema {
  return JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as Schema;
}

const SKELETON = `# docpipe\n\n## pipeline.yaml reference\n\n${REFERENCE_START}\n${REFERENCE_END}\n`;

function main(argv: string[]): number {
  const readme = existsSync(README_FILE) ? readFileSync(README_FILE, 'utf8') : SKELETON;
  const next = spliceBetween(
    spliceReference(readme, renderReference(readPipelineSchema())),
    ERRORS_START,
    ERRORS_END,
    renderErrorCodes(ErrorCodes),
  );
  if (argv.includes('--check')) {
    if (next === readme) return 0;
    console.error('README.md: the pipeline.yaml reference is out of date; run `node --import tsx scripts/gen-reference.ts`');
    return 1;
  }
  if (next !== readme) writeFileSync(README_FILE, next);
  console.log(`README.md: pipeline.yaml reference ${next === readme ? 'already up to date' : 'written'}`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = main(process.argv.slice(2));
}
