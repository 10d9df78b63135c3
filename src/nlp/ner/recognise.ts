/** Mentions of a document's chunks: the local path, or the LLM path (with the legal rules) when an LLM is configured. */
import type { LlmClient } from '../../providers/types.ts';
import { recogniseCaptions, recogniseCaseNameLines } from './caption.ts';
import { attributeToChunks, rebuildText, recogniseDocument, toDocumentOffsets, type ChunkMention, type ChunkText } from './document.ts';
import { withDefinedTerms } from './local.ts';
import { recogniseWithLlm, type LlmNerOptions } from './llm.ts';
import { resolveOverlaps } from './merge.ts';
import { recogniseWithRules } from './rules.ts';
import type { Mention } from './types.ts';

function ruleCandidates(text: string): Mention[] {
  return [...recogniseCaseNameLines(text), ...recogniseCaptions(text), ...recogniseWithRules(text)];
}

export async function recogniseChunks(
  chunks: readonly ChunkText[],
  llm?: LlmClient,
  signal?: AbortSignal,
  options: LlmNerOptions = {},
): Promise<ChunkMention[]> {
  if (!llm) return attributeToChunks(recogniseDocument(chunks), chunks);
  const byChunk = await recogniseWithLlm(
    llm,
    chunks.map((c, key) => ({ key, text: c.text })),
    signal,
    options,
  );
  const fromLlm = chunks.flatMap((c, key) => toDocumentOffsets(c, byChunk.get(key) ?? []));
  const text = rebuildText(chunks);
  const fromRules = recogniseDocument(chunks, ruleCandidates);
  const merged = resolveOverlaps([...fromRules, ...fromLlm]);
  return attributeToChunks(text === undefined ? merged : withDefinedTerms(text, merged), chunks);
}
