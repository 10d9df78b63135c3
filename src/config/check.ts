import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { isStage } from '../api/stage.ts';
import { compileSchema, createMessageAjv, readSchema, schemaFitProblems, type JsonSchema } from '../messages/schemas.ts';
import type { Problem, YamlSource } from './source.ts';
import type { PipelineConfig } from './types.ts';

/**
 * What a schema cannot check: every handler module resolves and exports a stage of the right name,
 * every message schema compiles, and each declared `output` fits the next stage's input.
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
    });
  });
  return checkStages(refs, undefined, source, false);
}

async function checkStages(stages: readonly StageRef[], completedSchema: string | undefined, source: YamlSource, checkFit = true): Promise<Problem[]> {
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

  for (const stage of stages) {
    const at = ['stages', stage.index];
    if (!existsSync(stage.handler)) {
      problems.push(source.at([...at, 'handler'], `handler module not found: ${stage.handlerSpec}`));
    } else {
      try {
        const mod = (await import(pathToFileURL(stage.handler).href)) as { default?: unknown };
        if (!isStage(mod.default)) {
          problems.push(source.at([...at, 'handler'], `handler module ${stage.handlerSpec} does not export a stage (export default defineStage({...}))`));
        }
      } catch (err) {
        problems.push(source.at([...at, 'handler'], `handler module ${stage.handlerSpec} fails to load: ${(err as Error).message.split('\n')[0]}`));
      }
    }
    inputs.push(loadSchema(stage.input, [...at, 'input'], 'input'));
  }
  if (!checkFit) return problems;
  const completed = completedSchema ? loadSchema(completedSchema, ['completed', 'schema'], 'completed') : undefined;

  for (const stage of stages) {
    if (!stage.output) continue;
    const at = ['stages', stage.index, 'output'];
    const output = loadSchema(stage.output, at, 'output');
    const next = stage.index + 1 < stages.length ? inputs[stage.index + 1] : completed;
    if (!output || !next) continue;
    const nextName = stages[stage.index + 1]?.name ?? 'completed';
    for (const p of schemaFitProblems(output, next)) {
      problems.push(source.at(at, `output of stage "${stage.name}" does not fit the input of "${nextName}": ${p}`));
    }
  }
  return problems;
}
