import type { ProvidersConfig } from '../../config/types.ts';
import type { Sql } from '../../store/db.ts';
import type { LlmClient } from '../types.ts';

/** OpenAI-compatible LLM client (placeholder until the clean-cat/chunking work lands). */
export function createOpenAiLlm(_settings: ProvidersConfig['llm'], _sql: Sql | undefined): LlmClient {
  throw new Error('the OpenAI-compatible LLM provider is not implemented yet');
}
