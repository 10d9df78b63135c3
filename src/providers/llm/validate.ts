/** Validates an LLM answer against the request's JSON Schema (compiled once per schema). */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { DocpipeError } from '../../errors.ts';

const ajv = new Ajv2020({ allErrors: true, strict: false });
const compiled = new WeakMap<object, ValidateFunction>();

export function validateAnswer(schema: Record<string, unknown>, answer: unknown, name: string): void {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  if (!validate(answer)) {
    const detail = (validate.errors ?? [])
      .slice(0, 3)
      .map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`)
      .join('; ');
    throw new DocpipeError('retryable', 'DP_ERR_PROVIDER_UNAVAILABLE', `LLM answer does not match schema "${name}": ${detail}`);
  }
}
