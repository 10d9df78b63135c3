/**
 * The default names of a stage's stream, consumer group and dead-letter stream (DESIGN §3): what
 * `stream:`, `group:` and `dlq:` default to in the pipeline file. Every other Redis key name is in
 * streams/keys.ts.
 */
export interface StageNames {
  stream: string;
  group: string;
  dlq: string;
}

export function stageNames(
  prefix: string,
  stage: string,
  overrides: Partial<Record<keyof StageNames, string | undefined>> = {},
): StageNames {
  return {
    stream: overrides.stream ?? `${prefix}:${stage}:pending`,
    group: overrides.group ?? `${stage}-service-group`,
    dlq: overrides.dlq ?? `${prefix}:${stage}:dlq`,
  };
}
