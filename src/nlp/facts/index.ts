/** Document-level structured extraction: rules first (deterministic, fast); the LLM fills gaps. */
import type { EcfStamp } from '../clean/ecf.ts';
import { extractAmounts } from './amounts.ts';
import { extractCaption, extractCourt, extractJudges } from './caption.ts';
import { extractCitations } from './citations.ts';
import { extractDates } from './dates.ts';
import { caseNamesPerDocket, nefPairs } from './case-names.ts';
import { extractDockets } from './dockets.ts';
import type { DocumentFacts } from './types.ts';

export * from './types.ts';
export { normalizeDocket, extractDockets } from './dockets.ts';
export { extractCaption, extractCourt, extractJudges } from './caption.ts';
export { extractDates } from './dates.ts';
export { extractAmounts } from './amounts.ts';
export { extractCitations } from './citations.ts';
export { fillGapsWithLlm, locate } from './llm.ts';

const FACTS_VERSION = 1;

export interface FactsInput {
  stamps?: readonly EcfStamp[];
}

export function extractFacts(text: string, input: FactsInput = {}): DocumentFacts {
  const caption = extractCaption(text);
  const dockets = extractDockets(text, input.stamps ?? []);
  return {
    facts_version: FACTS_VERSION,
    docket_numbers: caseNamesPerDocket(text, dockets, nefPairs(text), caption.case_name),
    case_name: caption.case_name,
    court: extractCourt(text),
    parties: caption.parties,
    judges: extractJudges(text),
    dates: extractDates(text),
    amounts: extractAmounts(text),
    citations: extractCitations(text),
  };
}
