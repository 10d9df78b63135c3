/**
 * The LLM fills gaps the rules left (case name, court, parties, judges). Every value it proposes must
 * be found verbatim in the cleaned text, which gives its span; values it cannot point to are dropped.
 */
import type { LlmClient } from '../../providers/types.ts';
import { collapse, type DocumentFacts, type Span } from './types.ts';

const FACTS_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['case_name', 'court', 'parties', 'judges'],
  properties: {
    case_name: { type: ['string', 'null'] },
    court: { type: ['string', 'null'] },
    parties: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'role'],
        properties: { name: { type: 'string' }, role: { type: ['string', 'null'] } },
      },
    },
    judges: { type: 'array', items: { type: 'string' } },
  },
} as const;

interface FactsAnswer {
  case_name: string | null;
  court: string | null;
  parties: Array<{ name: string; role: string | null }>;
  judges: string[];
}

const SYSTEM = [
  'Extract from the legal document: the case name (as written in the caption), the court, the parties with their',
  'procedural role when stated (plaintiff, defendant, appellant, appellee, petitioner, respondent, debtor, or the',
  'defined term for contract parties), and the judges. Copy every value exactly as it appears in the document.',
  'Use null or an empty list when the document does not state it.',
].join(' ');

const MAX_CHARS = 8000;

/** Finds `value` in the text (exactly, then case- and whitespace-insensitively). */
export function locate(text: string, value: string): Span | null {
  const v = value.trim();
  if (!v) return null;
  const exact = text.indexOf(v);
  if (exact >= 0) return [exact, exact + v.length];
  const pattern = v
    .split(/\s+/)
    .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('\\s+');
  const m = new RegExp(pattern, 'i').exec(text);
  return m ? [m.index, m.index + m[0].length] : null;
}

function needsLlm(facts: DocumentFacts): boolean {
  return !facts.case_name || !facts.court || facts.parties.length === 0 || facts.judges.length === 0;
}

/** Returns the facts with gaps filled; on any LLM failure returns them unchanged with the error. */
export async function fillGapsWithLlm(
  llm: LlmClient,
  text: string,
  facts: DocumentFacts,
  signal?: AbortSignal,
): Promise<{ facts: DocumentFacts; error?: string; used: boolean }> {
  if (!needsLlm(facts)) return { facts, used: false };
  let answer: FactsAnswer;
  try {
    answer = await llm.json<FactsAnswer>({
      system: SYSTEM,
      user: text.slice(0, MAX_CHARS),
      schema: FACTS_SCHEMA as unknown as Record<string, unknown>,
      schemaName: 'document_facts',
      signal,
    });
  } catch (err) {
    if (signal?.aborted) throw err;
    return { facts, error: (err as Error).message, used: true };
  }
  const out: DocumentFacts = { ...facts, parties: [...facts.parties], judges: [...facts.judges] };
  const inText = text.slice(0, MAX_CHARS);
  if (!out.case_name && answer.case_name) {
    const span = locate(inText, answer.case_name);
    if (span) out.case_name = { value: collapse(answer.case_name), text: collapse(text.slice(...span)), span, source: 'llm' };
  }
  if (!out.court && answer.court) {
    const span = locate(inText, answer.court);
    if (span) out.court = { name: collapse(answer.court), text: collapse(text.slice(...span)), span, source: 'llm' };
  }
  if (out.parties.length === 0) {
    for (const p of answer.parties) {
      const span = locate(inText, p.name);
      if (span)
        out.parties.push({
          name: collapse(p.name),
          roles: p.role ? [p.role.toLowerCase()] : [],
          text: collapse(text.slice(...span)),
          span,
          source: 'llm',
        });
    }
  }
  if (out.judges.length === 0) {
    for (const j of answer.judges) {
      const span = locate(inText, j);
      if (span) out.judges.push({ name: collapse(j), text: collapse(text.slice(...span)), span, source: 'llm' });
    }
  }
  return { facts: out, used: true };
}
