export { CATEGORY_LABELS, LABELS_VERSION, type Category } from './labels.ts';
export { categorizeLocal, titleRegion, type CategorizeHints, type CategoryResult } from './local.ts';
export { categorizeWithLlm, CATEGORY_SCHEMA, type LlmCategoryOutcome } from './llm.ts';
