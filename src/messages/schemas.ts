import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ValidateFunction, type ErrorObject } from 'ajv/dist/2020.js';
import addFormatsImport from 'ajv-formats';

// ajv-formats ships CommonJS; under NodeNext its default import is the module object.
const addFormats = addFormatsImport as unknown as (ajv: Ajv2020) => Ajv2020;

export type JsonSchema = Record<string, unknown>;

/** One ajv instance per process for message schemas: coercion of the flat string fields, 2020-12. */
export function createMessageAjv(): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, coerceTypes: true, strict: false, useDefaults: false });
  addFormats(ajv);
  return ajv;
}

export function readSchema(file: string): JsonSchema {
  const text = readFileSync(file, 'utf8');
  const schema = JSON.parse(text) as unknown;
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) throw new Error('a JSON Schema must be an object');
  return schema as JsonSchema;
}

/** A schema a handler declares: inline, or the URL of a JSON file. */
export function schemaOf(ref: URL | Record<string, unknown>): JsonSchema {
  return ref instanceof URL ? readSchema(fileURLToPath(ref)) : (ref as JsonSchema);
}

/** Where a schema came from, for messages: the file name of a URL, or "inline". */
export function schemaName(ref: URL | Record<string, unknown>): string {
  return ref instanceof URL ? (ref.pathname.split('/').pop() ?? ref.href) : 'inline schema';
}

/**
 * Checks a stage's `options:` against the schema its handler declares. Returns each problem with
 * the option key it concerns (when one), so validate can point at it.
 */
export function optionsProblems(
  ajv: Ajv2020,
  schema: JsonSchema,
  options: Readonly<Record<string, unknown>>,
): Array<{ key: string | undefined; message: string }> {
  const validate = compileSchema(ajv, schema);
  if (validate(structuredClone(options))) return []; // a copy: coercion must not touch the config
  const allowed = Object.keys((schema['properties'] ?? {}) as Record<string, unknown>);
  return (validate.errors ?? []).map((e) => {
    const key = e.instancePath ? e.instancePath.slice(1).split('/')[0] : undefined;
    if (e.keyword === 'additionalProperties') {
      const unknown = (e.params as { additionalProperty: string }).additionalProperty;
      return {
        key: unknown,
        message: `unknown option "${unknown}" (${allowed.length ? `allowed: ${allowed.join(', ')}` : 'this stage takes no options'})`,
      };
    }
    return { key, message: `option ${key ? `"${key}"` : ''} ${e.message ?? 'is invalid'}`.replace('  ', ' ') };
  });
}

export function compileSchema(ajv: Ajv2020, schema: JsonSchema): ValidateFunction {
  const copy = { ...schema };
  delete copy['$id']; // the same schema file may be compiled for two stages
  return ajv.compile(copy);
}

export function formatAjvErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .map((e) => {
      const at = e.instancePath ? e.instancePath.slice(1).replace(/\//g, '.') : 'message';
      if (e.keyword === 'additionalProperties') return `unknown field "${(e.params as { additionalProperty: string }).additionalProperty}"`;
      if (e.keyword === 'required') return `missing field "${(e.params as { missingProperty: string }).missingProperty}"`;
      return `${at} ${e.message ?? 'is invalid'}`;
    })
    .join('; ');
}

interface PropSchema {
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
}

/**
 * Checks that every message valid under `output` is plausibly valid under `next`: each field the
 * next stage requires is declared and required by the output, types are compatible, and the output
 * declares no field the next stage would reject as unknown. Returns the mismatches.
 */
export function schemaFitProblems(output: JsonSchema, next: JsonSchema): string[] {
  const problems: string[] = [];
  const outProps = (output['properties'] ?? {}) as Record<string, PropSchema>;
  const nextProps = (next['properties'] ?? {}) as Record<string, PropSchema>;
  const outRequired = new Set((output['required'] ?? []) as string[]);
  for (const field of (next['required'] ?? []) as string[]) {
    if (!(field in outProps)) problems.push(`field "${field}" required by the next stage is not in the output schema`);
    else if (!outRequired.has(field)) problems.push(`field "${field}" required by the next stage is optional in the output schema`);
  }
  for (const [field, nextProp] of Object.entries(nextProps)) {
    const outProp = outProps[field];
    if (!outProp || !nextProp.type || !outProp.type) continue;
    const want = new Set(Array.isArray(nextProp.type) ? nextProp.type : [nextProp.type]);
    if (want.has('number')) want.add('integer');
    const have = Array.isArray(outProp.type) ? outProp.type : [outProp.type];
    const bad = have.filter((t) => !want.has(t));
    if (bad.length)
      problems.push(`field "${field}" is ${have.join('|')} in the output but ${[...want].join('|')} in the next stage's input`);
  }
  if (next['additionalProperties'] === false) {
    for (const field of Object.keys(outProps)) {
      if (!(field in nextProps)) problems.push(`output field "${field}" is unknown to the next stage's input schema`);
    }
  }
  return problems;
}
