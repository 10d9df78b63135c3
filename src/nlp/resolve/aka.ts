/** "a/k/a", "f/k/a", "d/b/a": two adjacent mentions of one type that name the same entity. */

export interface PlacedMention {
  chunkId: number;
  type: string;
  start: number;
  end: number;
  key: string;
}

const AKA = /^\s*,?\s*\(?\s*(?:a\/k\/a|aka|also known as|f\/k\/a|fka|formerly known as|d\/b\/a|dba|doing business as)\s*/i;

/** Pairs of keys joined by an a/k/a phrase in the chunk text. */
export function akaPairs(mentions: readonly PlacedMention[], chunkText: ReadonlyMap<number, string>): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const sorted = [...mentions].sort((a, b) => a.chunkId - b.chunkId || a.start - b.start);
  for (let i = 0; i + 1 < sorted.length; i++) {
    const a = sorted[i]!;
    const b = sorted[i + 1]!;
    if (a.chunkId !== b.chunkId || a.type !== b.type || a.key === b.key) continue;
    const between = chunkText.get(a.chunkId)?.slice(a.end, b.start) ?? '';
    const m = AKA.exec(between);
    if (m && m[0].length === between.length) out.push([a.key, b.key]);
  }
  return out;
}
