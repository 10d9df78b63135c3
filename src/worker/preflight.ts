/**
 * The worker's pre-flight: what the pipeline file alone cannot tell (config/ knows nothing of
 * handlers or Redis). `docpipe validate` runs all of it; every command that talks to Redis loads
 * the config with the cluster-slot check (loadRunnablePipeline); the runner loads the handlers
 * themselves in load-stages.ts.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { isStage, type StageDefinition } from '../api/stage.ts';
import { loadPipeline, type ConfigCheck } from '../config/load.ts';
import type { Env } from '../config/interpolate.ts';
import type { Problem, YamlSource } from '../config/source.ts';
import type { PipelineConfig } from '../config/types.ts';
import {
  compileSchema,
  createMessageAjv,
  optionsProblems,
  readSchema,
  schemaFitProblems,
  schemaName,
  schemaOf,
  type JsonSchema,
} from '../messages/schemas.ts';
import { Keys } from '../streams/keys.ts';
import { slotsOf } from '../streams/slots.ts';

/**
 * On Redis Cluster every multi-key script (handoff, retry, dead-letter, redrive) must touch one
 * hash slot: all of a pipeline's keys must share a hash tag, e.g. `prefix: "{docpipe}"`.
 */
export const clusterSlotProblems: ConfigCheck = (config, source) => {
  if (!config.redis.cluster && !config.redis.url.startsWith('redis+cluster://')) return [];
  const keys = new Keys(config.prefix);
  const doc = keys.doc('00000000-0000-0000-0000-000000000000');
  const all = [doc, config.completed.stream, ...config.stages.flatMap((s) => [s.stream, s.dlq, keys.retries(s.name), keys.stats(s.name)])];
  const slots = slotsOf(all);
  if (slots.size <= 1) return [];
  const where = config.stages.find((s) => slotsOf([doc, s.stream, s.dlq]).size > 1);
  const overridden = where && source.doc.getIn(['stages', where.index, 'stream']) !== undefined;
  return [
    source.at(
      overridden ? ['stages', where.index, 'stream'] : ['prefix'],
      `on Redis Cluster all keys of a pipeline must share one hash slot, but they span ${slots.size} slots: use a hash tag in the prefix (e.g. prefix: "{${config.prefix.replace(/[{}]/g, '')}}") and keep it in every stream name`,
    ),
  ];
};

/** The checks a config must pass before anything talks to Redis with it. */
export const REDIS_CHECKS: readonly ConfigCheck[] = [clusterSlotProblems];

/** loadPipeline with the Redis checks: throws ConfigError listing every problem. */
export function loadRunnablePipeline(file: string, env: Env = process.env): PipelineConfig {
  return loadPipeline(file, env, REDIS_CHECKS);
}

/**
 * What a schema cannot check: every handler module resolves and exports a stage, every message
 * schema compiles, each stage's output schema (its `output:`, or the one its handler declares) fits
 * the next stage's input, and each stage's `options:` fit the schema its handler declares.
 */
export async function checkPipeline(config: PipelineConfig, source: YamlSource): Promise<Problem[]> {
  return checkStages(config.stages, config.completed.schema, source);
}

interface StageRef {
  index: number;
  name: string;
  handler: string;
  handlerSpec: string;
  input: string;
  output: string | undefined;
  options: Readonly<Record<string, unknown>> | undefined;
}

/** The module checks on a file that failed its schema: every stage entry whose keys are usable. */
export async function checkRawStages(raw: unknown, file: string, source: YamlSource): Promise<Problem[]> {
  const stages = (raw as { stages?: unknown } | undefined)?.stages;
  if (!Array.isArray(stages)) return [];
  const dir = path.dirname(file);
  const refs: StageRef[] = [];
  stages.forEach((s: unknown, index) => {
    const e = (s ?? {}) as Record<string, unknown>;
    if (typeof e['name'] !== 'string' || typeof e['handler'] !== 'string' || typeof e['input'] !== 'string') return;
    refs.push({
      index,
      name: e['name'],
      handler: path.resolve(dir, e['handler']),
      handlerSpec: e['handler'],
      input: path.resolve(dir, e['input']),
      output: typeof e['output'] === 'string' ? path.resolve(dir, e['output']) : undefined,
      options: e['options'] && typeof e['options'] === 'object' ? (e['options'] as Record<string, unknown>) : undefined,
    });
  });
  return checkStages(refs, undefined, source, false);
}

async function checkStages(
  stages: readonly StageRef[],
  completedSchema: string | undefined,
  source: YamlSource,
  checkFit = true,
): Promise<Problem[]> {
  const problems: Problem[] = [];
  const ajv = createMessageAjv();
  const inputs: Array<JsonSchema | undefined> = [];

  const loadSchema = (file: string, at: (string | number)[], what: string): JsonSchema | undefined => {
    if (!existsSync(file)) {
      problems.push(source.at(at, `${what} schema not found: ${String(source.doc.getIn(at))}`));
      return undefined;
    }
    try {
      const schema = readSchema(file);
      compileSchema(ajv, schema);
      return schema;
    } catch (err) {
      problems.push(source.at(at, `${what} schema ${String(source.doc.getIn(at))} does not compile: ${(err as Error).message}`));
      return undefined;
    }
  };

  const declared: Array<JsonSchema | undefined> = [];
  for (const stage of stages) {
    const at = ['stages', stage.index];
    const def = await loadHandler(stage, problems, source);
    if (def) declared[stage.index] = handlerSchemas(def, stage, problems, source, ajv);
    inputs.push(loadSchema(stage.input, [...at, 'input'], 'input'));
  }
  if (!checkFit) return problems;
  const completed = completedSchema ? loadSchema(completedSchema, ['completed', 'schema'], 'completed') : undefined;

  for (const stage of stages) {
    // the stage's `output:` overrides the schema its handler declares; reported at either
    const at = stage.output ? ['stages', stage.index, 'output'] : ['stages', stage.index];
    const output = stage.output ? loadSchema(stage.output, at, 'output') : declared[stage.index];
    const next = stage.index + 1 < stages.length ? inputs[stage.index + 1] : completed;
    if (!output || !next) continue;
    const nextName = stages[stage.index + 1]?.name ?? 'completed';
    for (const p of schemaFitProblems(output, next)) {
      problems.push(source.at(at, `output of stage "${stage.name}" does not fit the input of "${nextName}": ${p}`));
    }
  }
  return problems;
}

async function loadHandler(stage: StageRef, problems: Problem[], source: YamlSource): Promise<StageDefinition | undefined> {
  const at = ['stages', stage.index, 'handler'];
  if (!existsSync(stage.handler)) {
    problems.push(source.at(at, `handler module not found: ${stage.handlerSpec}`));
    return undefined;
  }
  try {
    const mod = (await import(pathToFileURL(stage.handler).href)) as { default?: unknown };
    if (isStage(mod.default)) return mod.default;
    problems.push(source.at(at, `handler module ${stage.handlerSpec} does not export a stage (export default defineStage({...}))`));
  } catch (err) {
    problems.push(source.at(at, `handler module ${stage.handlerSpec} fails to load: ${(err as Error).message.split('\n')[0]}`));
  }
  return undefined;
}

/** The handler's declared schemas: checks its options schema against `options:`; returns its output schema. */
function handlerSchemas(
  def: StageDefinition,
  stage: StageRef,
  problems: Problem[],
  source: YamlSource,
  ajv: ReturnType<typeof createMessageAjv>,
): JsonSchema | undefined {
  const at = ['stages', stage.index];
  const load = (ref: NonNullable<StageDefinition['output']>, what: string): JsonSchema | undefined => {
    try {
      const schema = schemaOf(ref);
      compileSchema(ajv, schema);
      return schema;
    } catch (err) {
      problems.push(
        source.at(
          [...at, 'handler'],
          `the ${what} schema ${schemaName(ref)} declared by ${stage.handlerSpec} cannot be used: ${(err as Error).message.split('\n')[0]}`,
        ),
      );
      return undefined;
    }
  };
  const options = def.options ? load(def.options, 'options') : undefined;
  if (options) {
    for (const p of optionsProblems(ajv, options, stage.options ?? {})) {
      problems.push(source.at([...at, 'options'], `stage "${stage.name}": ${p.message}`, p.key));
    }
  }
  return def.output ? load(def.output, 'output') : undefined;
}
