/**
 * NER over a document's chunks. Chunks overlap, so recognition runs on the document text rebuilt
 * from them (offsets = chunk.char_start + offset in the chunk), spans are resolved once per document,
 * and each mention is attributed to the first chunk containing it, with offsets within that chunk.
 */
import { recogniseLocal } from './local.ts';
import { resolveOverlaps } from './merge.ts';
import type { Mention } from './types.ts';

export interface ChunkText {
  id: number;
  chunk_uuid: string;
  chunk_index: number;
  text: string;
  char_start: number;
}

export interface ChunkMention extends Mention {
  chunkId: number;
  chunkUuid: string;
}

/** The document text rebuilt from its chunks, or undefined when overlapping chunks disagree. */
export function rebuildText(chunks: readonly ChunkText[]): string | undefined {
  const end = Math.max(0, ...chunks.map((c) => c.char_start + c.text.length));
  const chars: Array<string | undefined> = new Array<string | undefined>(end);
  for (const c of chunks) {
    for (let i = 0; i < c.text.length; i++) {
      const at = c.char_start + i;
      const ch = c.text[i];
      if (chars[at] !== undefined && chars[at] !== ch) return undefined;
      chars[at] = ch;
    }
  }
  // Array.from visits the holes a sparse array has where chunks leave a gap (Array#map skips them,
  // which dropped the gap's characters and shifted every later offset).
  return Array.from(chars, (ch) => ch ?? ' ').join('');
}

/** Gives each document-level mention to the first chunk that contains it whole, with chunk offsets. */
export function attributeToChunks(mentions: readonly Mention[], chunks: readonly ChunkText[]): ChunkMention[] {
  const ordered = [...chunks].sort((a, b) => a.chunk_index - b.chunk_index);
  const out: ChunkMention[] = [];
  for (const m of mentions) {
    const chunk = ordered.find((c) => c.char_start <= m.start && m.end <= c.char_start + c.text.length);
    if (!chunk) continue;
    const start = m.start - chunk.char_start;
    const end = m.end - chunk.char_start;
    if (chunk.text.slice(start, end) !== m.value) continue;
    const meta = m.meta?.aliasOfStart !== undefined ? { ...m.meta } : m.meta;
    out.push({ ...m, ...(meta ? { meta } : {}), start, end, chunkId: chunk.id, chunkUuid: chunk.chunk_uuid });
  }
  return out;
}

/** Moves chunk-relative mentions to document offsets. */
export function toDocumentOffsets(chunk: ChunkText, mentions: readonly Mention[]): Mention[] {
  return mentions.map((m) => ({
    ...m,
    start: m.start + chunk.char_start,
    end: m.end + chunk.char_start,
    ...(m.meta?.aliasOfStart !== undefined ? { meta: { ...m.meta, aliasOfStart: m.meta.aliasOfStart + chunk.char_start } } : {}),
  }));
}

/** Document-level mentions from a recogniser of one text (the rebuilt document, or each chunk when they disagree). */
export function recogniseDocument(chunks: readonly ChunkText[], recognise: (text: string) => Mention[] = recogniseLocal): Mention[] {
  const text = rebuildText(chunks);
  if (text !== undefined) return recognise(text);
  return resolveOverlaps(chunks.flatMap((c) => toDocumentOffsets(c, recognise(c.text))));
}
