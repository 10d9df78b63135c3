/** LLM categorization: structured output restricted to the label set; the local result is the fallback. */
import type { LlmClient } from '../../providers/types.ts';
import { CATEGORY_DESCRIPTIONS, CATEGORY_LABELS, isCategory, LABELS_VERSION, type Category } from './labels.ts';
import type { CategoryResult } from './local.ts';

export const CATEGORY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['category', 'confidence'],
  properties: {
    category: { type: 'string', enum: [...CATEGORY_LABELS] },
    confidence: { type: 'number', minimum: 0, maximum: 1 },
  },
} as const;

const SYSTEM = [
  `Classify the legal document into exactly one category (label set v${LABELS_VERSION}):`,
  ...CATEGORY_LABELS.map((l) => `- ${l}: ${CATEGORY_DESCRIPTIONS[l]}`),
  'Give your confidence between 0 and 1.',
].join('\n');

/** How much of the document the model sees (the caption and first pages decide the category). */
const MAX_CHARS = 6000;

export interface LlmCategoryOutcome {
  result: CategoryResult;
  /** Set when the LLM failed and the local result was kept. */
  error?: string;
}

export async function categorizeWithLlm(
  llm: LlmClient,
  text: string,
  local: CategoryResult,
  signal?: AbortSignal,
): Promise<LlmCategoryOutcome> {
  try {
    const answer = await llm.json<{ category: Category; confidence: number }>({
      system: SYSTEM,
      user: text.slice(0, MAX_CHARS),
      schema: CATEGORY_SCHEMA as unknown as Record<string, unknown>,
      schemaName: 'document_category',
      signal,
    });
    if (!isCategory(answer.category)) throw new Error(`label outside the set: ${String(answer.category)}`);
    const confidence = Math.max(0, Math.min(1, Number(answer.confidence) || 0));
    return { result: { category: answer.category, confidence, method: 'llm', evidence: [`llm:${llm.model}`], scores: local.scores } };
  } catch (err) {
    if (signal?.aborted) throw err;
    return { result: local, error: (err as Error).message };
  }
}
