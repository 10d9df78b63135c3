import { pathToFileURL } from 'node:url';
import { isStage, type StageDefinition } from '../api/stage.ts';
import type { PipelineConfig, StageConfig } from '../config/types.ts';
import { DocpipeError } from '../errors.ts';
import { compileSchema, createMessageAjv, optionsProblems, readSchema, schemaOf } from '../messages/schemas.ts';
import type { StageRuntime } from './stage-worker.ts';

/** Imports each stage's handler module and compiles its input schema and the next stage's. */
export async function loadStageRuntimes(config: PipelineConfig, names?: readonly string[]): Promise<StageRuntime[]> {
  const ajv = createMessageAjv();
  const inputs = config.stages.map((s) => readSchema(s.input));
  const validators = inputs.map((schema) => compileSchema(ajv, schema));
  const completed = config.completed.schema ? compileSchema(ajv, readSchema(config.completed.schema)) : undefined;
  const selected: StageConfig[] = names
    ? names.map((n) => {
        const s = config.stages.find((x) => x.name === n);
        if (!s)
          throw new DocpipeError(
            'config',
            'DP_ERR_CONFIG_INVALID',
            `unknown stage "${n}" (stages: ${config.stages.map((x) => x.name).join(', ')})`,
          );
        return s;
      })
    : [...config.stages];
  const out: StageRuntime[] = [];
  for (const stage of selected) {
    const handler = await importHandler(stage);
    // pre-flight: the options must fit the schema the handler declares (as `docpipe validate` checks)
    if (handler.options) {
      const problems = optionsProblems(ajv, schemaOf(handler.options), stage.options);
      if (problems.length)
        throw new DocpipeError('config', 'DP_ERR_CONFIG_INVALID', `stage "${stage.name}": ${problems.map((p) => p.message).join('; ')}`);
    }
    // the stage's own output schema: its `output:` in pipeline.yaml, else the one its handler declares
    const own = stage.output ? readSchema(stage.output) : handler.output ? schemaOf(handler.output) : undefined;
    out.push({
      stage,
      handler,
      inputSchema: inputs[stage.index]!,
      validateInput: validators[stage.index]!,
      validateOutput: stage.index + 1 < config.stages.length ? validators[stage.index + 1] : completed,
      validateOwnOutput: own ? compileSchema(ajv, own) : undefined,
    });
  }
  return out;
}

async function importHandler(stage: StageConfig): Promise<StageDefinition> {
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(stage.handler).href)) as { default?: unknown };
  } catch (err) {
    throw new DocpipeError(
      'config',
      'DP_ERR_STAGE_HANDLER',
      `stage "${stage.name}": cannot load ${stage.handlerSpec}: ${(err as Error).message}`,
      { cause: err },
    );
  }
  if (!isStage(mod.default)) {
    throw new DocpipeError(
      'config',
      'DP_ERR_STAGE_HANDLER',
      `stage "${stage.name}": ${stage.handlerSpec} does not export a stage (export default defineStage({...}))`,
    );
  }
  return mod.default;
}
