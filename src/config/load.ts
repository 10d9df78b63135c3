import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import { visit } from 'yaml';
import { DocpipeError } from '../errors.ts';
import { parseDuration } from './duration.ts';
import { interpolate, plainScalarValue, type Env } from './interpolate.ts';
import { formatProblem, pointerToPath, YamlSource, type Problem } from './source.ts';
import type { PipelineConfig, RetryPolicy, StageConfig } from './types.ts';
import { stageNames } from './names.ts';

export const PIPELINE_SCHEMA_PATH = fileURLToPath(new URL('../../schemas/pipeline.schema.json', import.meta.url));
const pipelineSchema = JSON.parse(readFileSync(PIPELINE_SCHEMA_PATH, 'utf8')) as Record<string, unknown>;

const ajv = new Ajv2020({ allErrors: true, useDefaults: true, strict: false });
const validatePipeline = ajv.compile(pipelineSchema);

export class ConfigError extends DocpipeError {
  readonly problems: Problem[];
  constructor(problems: Problem[]) {
    super('config', 'DP_ERR_CONFIG_INVALID', problems.map(formatProblem).join('\n'));
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export interface LoadResult {
  config: PipelineConfig | undefined;
  problems: Problem[];
  source: YamlSource;
  /** The parsed file after interpolation (defaults applied), even when it has problems. */
  raw: unknown;
}

/** Reads a pipeline file from disk; throws DocpipeError(DP_ERR_CONFIG_UNREADABLE) when it cannot. */
export function readPipelineFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new DocpipeError('config', 'DP_ERR_CONFIG_UNREADABLE', `${file}: cannot read: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Parses, interpolates, validates and resolves a pipeline file. Never throws for problems in the
 * file: they are all collected, each with its position.
 */
/**
 * A check on the resolved config that needs more than the file (e.g. Redis Cluster key slots,
 * worker/preflight.ts): run by the loader, its problems refuse the config like the file's own.
 */
export type ConfigCheck = (config: PipelineConfig, source: YamlSource) => Problem[];

export function loadPipelineText(file: string, text: string, env: Env = process.env, checks: readonly ConfigCheck[] = []): LoadResult {
  const { source, problems } = YamlSource.parse(file, text);
  if (problems.length > 0) return { config: undefined, problems, source, raw: undefined };

  // Interpolate ${VAR} in every string scalar, in place, so positions are kept.
  visit(source.doc, {
    Scalar(_key, node) {
      if (typeof node.value !== 'string' || !node.value.includes('${')) return;
      const { value, errors } = interpolate(node.value, env);
      for (const e of errors) problems.push(source.problemAt(node.range?.[0] ?? 0, e));
      // An unquoted `${VAR}` keeps YAML's typing (`concurrency: ${N:-4}` is a number); quoted stays a string.
      node.value = node.type === 'PLAIN' ? plainScalarValue(value) : value;
    },
  });

  let raw: unknown;
  try {
    raw = source.doc.toJS({ maxAliasCount: 50 });
  } catch (err) {
    problems.push(source.problemAt(0, `cannot expand the YAML: ${(err as Error).message}`));
    return { config: undefined, problems, source, raw: undefined };
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push(source.problemAt(0, 'the pipeline file must be a mapping with version, name and stages'));
    return { config: undefined, problems, source, raw };
  }

  if (!validatePipeline(raw)) {
    for (const e of validatePipeline.errors ?? []) {
      const p = schemaProblem(source, e);
      if (p) problems.push(p);
    }
  }
  const stages = (raw as { stages?: unknown }).stages;
  if (Array.isArray(stages)) problems.push(...uniquenessProblems(stages, (raw as { prefix?: unknown }).prefix, source));
  if (problems.length > 0) return { config: undefined, problems: dedupe(problems), source, raw };

  const config = resolve(file, text, raw as RawPipeline, source, problems, checks);
  return { config: problems.length ? undefined : config, problems, source, raw };
}

/** Loads a pipeline file or throws ConfigError listing every problem. */
export function loadPipeline(file: string, env: Env = process.env, checks: readonly ConfigCheck[] = []): PipelineConfig {
  const abs = path.resolve(file);
  const { config, problems } = loadPipelineText(abs, readPipelineFile(abs), env, checks);
  if (!config) throw new ConfigError(problems);
  return config;
}

function schemaProblem(source: YamlSource, e: ErrorObject): Problem | undefined {
  const at = pointerToPath(e.instancePath);
  const where = at.length ? at.join('.') : 'the file';
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      return source.at(at, `unknown key "${key}" in ${where}`, key);
    }
    case 'required': {
      const key = String((e.params as { missingProperty: string }).missingProperty);
      return source.at(at, `missing required key "${key}" in ${where}`);
    }
    case 'pattern':
      if (String((e.params as { pattern: string }).pattern).includes('ms|s|m|h|d')) {
        return source.at(
          at,
          `${where}: bad duration "${String(source.doc.getIn(at))}": use a number and a unit, e.g. 500ms, 2s, 5m, 1h, 7d`,
        );
      }
      return source.at(at, `${where} ${e.message ?? 'is invalid'}`);
    case 'enum':
      return source.at(
        at,
        `${where} must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`,
      );
    case 'const':
      return source.at(at, `${where} must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}`);
    case 'oneOf':
    case 'if':
      return undefined; // the branch errors say more
    default:
      return source.at(at, `${where} ${e.message ?? 'is invalid'}`);
  }
}

/** Stage names and the streams they derive must be unique (checked even when other keys are wrong). */
function uniquenessProblems(stages: unknown[], prefix: unknown, source: YamlSource): Problem[] {
  const problems: Problem[] = [];
  const seenNames = new Map<string, number>();
  const seenStreams = new Map<string, number>();
  stages.forEach((entry, index) => {
    if (!entry || typeof entry !== 'object') return;
    const s = entry as Partial<RawStage>;
    if (typeof s.name !== 'string') return;
    const prevName = seenNames.get(s.name);
    if (prevName !== undefined) {
      problems.push(source.at(['stages', index, 'name'], `duplicate stage name "${s.name}" (first declared at stages[${prevName}])`));
      return;
    }
    seenNames.set(s.name, index);
    const names = stageNames(typeof prefix === 'string' ? prefix : 'docpipe', s.name, { stream: s.stream, group: s.group, dlq: s.dlq });
    for (const [k, v] of [
      ['stream', names.stream],
      ['dlq', names.dlq],
    ] as const) {
      const prev = seenStreams.get(v);
      if (prev !== undefined) {
        problems.push(
          source.at(['stages', index, s[k] ? k : 'name'], `stream "${v}" of stage "${s.name}" is already used by stages[${prev}]`),
        );
      } else seenStreams.set(v, index);
    }
  });
  return problems;
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const k = formatProblem(p);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

// ---- resolution of the validated file into the frozen config ----

interface RawRetries {
  max?: number;
  backoff?: 'exponential' | 'fixed';
  delay?: string;
  maxDelay?: string;
  jitter?: boolean;
}
interface RawWorker {
  concurrency?: number;
  batch?: number;
  block?: string;
  timeout?: string;
  idle?: string;
  max_message_bytes?: number;
  retries?: RawRetries;
}
interface RawStage extends RawWorker {
  name: string;
  handler: string;
  input: string;
  output?: string;
  stream?: string;
  group?: string;
  dlq?: string;
  options?: Record<string, unknown>;
}
interface RawPipeline {
  version: 1;
  name: string;
  pipeline_version?: string;
  prefix: string;
  redis: { url: string; cluster: boolean | string[] };
  store: { url: string; data_dir: string; pool: number };
  defaults: Required<Omit<RawWorker, 'retries'>> & { retries: Required<RawRetries> };
  intake?: { from: 'queue'; batch: number; poll: string; max_backlog: number; stuck_after: string };
  files: { allowed_roots: string[]; max_bytes: number };
  providers: { ocr: Record<string, unknown>; llm: Record<string, unknown>; transcription: Record<string, unknown> };
  state: { ttl: string; history: number; history_after_finish: 'packed' | 'stream' };
  stages: RawStage[];
  completed: { schema?: string; stream?: string; retention: string; max_length?: number };
}

function ms(text: string): number {
  return parseDuration(text) ?? 0;
}

function resolve(
  file: string,
  text: string,
  raw: RawPipeline,
  source: YamlSource,
  problems: Problem[],
  checks: readonly ConfigCheck[],
): PipelineConfig {
  const dir = path.dirname(file);
  const rel = (p: string) => (p.startsWith('/') ? p : path.resolve(dir, p));
  const d = raw.defaults;

  const stages: StageConfig[] = raw.stages.map((s, index) => {
    const names = stageNames(raw.prefix, s.name, { stream: s.stream, group: s.group, dlq: s.dlq });
    const r = { ...d.retries, ...(s.retries ?? {}) };
    const retries: RetryPolicy = { max: r.max, backoff: r.backoff, delayMs: ms(r.delay), maxDelayMs: ms(r.maxDelay), jitter: r.jitter };
    return {
      name: s.name,
      index,
      handlerSpec: s.handler,
      handler: rel(s.handler),
      input: rel(s.input),
      output: s.output ? rel(s.output) : undefined,
      ...names,
      concurrency: s.concurrency ?? d.concurrency,
      batch: s.batch ?? d.batch,
      blockMs: ms(s.block ?? d.block),
      timeoutMs: ms(s.timeout ?? d.timeout),
      idleMs: ms(s.idle ?? d.idle),
      maxMessageBytes: s.max_message_bytes ?? d.max_message_bytes,
      retries,
      options: Object.freeze({ ...(s.options ?? {}) }),
    };
  });

  const completedStream = raw.completed.stream ?? `${raw.prefix}:processing:completed`;
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 12);
  const p = raw.providers;
  const config: PipelineConfig = {
    file,
    dir,
    name: raw.name,
    pipelineVersion: raw.pipeline_version ?? `${raw.name}@${hash}`,
    prefix: raw.prefix,
    redis: { url: raw.redis.url, cluster: raw.redis.cluster },
    store: { url: raw.store.url, dataDir: rel(raw.store.data_dir), pool: raw.store.pool },
    intake: raw.intake
      ? {
          from: raw.intake.from,
          batch: raw.intake.batch,
          pollMs: ms(raw.intake.poll),
          maxBacklog: raw.intake.max_backlog,
          stuckAfterMs: ms(raw.intake.stuck_after),
        }
      : undefined,
    files: { allowedRoots: raw.files.allowed_roots.map(rel), maxBytes: raw.files.max_bytes },
    providers: {
      ocr: p.ocr as unknown as PipelineConfig['providers']['ocr'],
      llm: {
        ...(p.llm as unknown as Omit<PipelineConfig['providers']['llm'], 'timeoutMs'>),
        timeoutMs: ms(String(p.llm['timeout'] ?? '60s')),
      },
      transcription: p.transcription as unknown as PipelineConfig['providers']['transcription'],
    },
    state: { ttlMs: ms(raw.state.ttl), history: raw.state.history, historyAfterFinish: raw.state.history_after_finish },
    stages,
    completed: {
      stream: completedStream,
      schema: raw.completed.schema ? rel(raw.completed.schema) : undefined,
      retentionMs: ms(raw.completed.retention),
      maxLength: raw.completed.max_length,
    },
  };
  for (const check of checks) problems.push(...check(config, source));
  if (stages.some((s) => s.stream === completedStream || s.dlq === completedStream)) {
    problems.push(source.at(['completed'], `the completed stream "${completedStream}" is also a stage stream`));
  }
  return deepFreeze(config);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
