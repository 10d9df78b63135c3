/**
 * Builds the cleaned text while recording where each run of it came from in the raw text.
 * The map is compact: segments `[cleanStart, rawStart, length]`, each meaning
 * clean[cleanStart + k] corresponds to raw[rawStart + k] for k < length. Inserted text (joins,
 * paragraph breaks) has no segment and maps to the raw position of the preceding segment's end.
 */
import { clusters, HSPACE, normalizeCluster } from './chars.ts';

export type Segment = [cleanStart: number, rawStart: number, length: number];

export class CleanBuilder {
  private text = '';
  readonly segments: Segment[] = [];
  constructor(private readonly raw: string) {}

  get length(): number {
    return this.text.length;
  }

  toString(): string {
    return this.text;
  }

  endsWith(s: string): boolean {
    return this.text.endsWith(s);
  }

  /** Appends normalised raw[start, end); whitespace runs become one space. */
  copy(start: number, end: number): void {
    let pendingSpace = false;
    for (const [at, cluster] of clusters(this.raw, start, end)) {
      if (HSPACE.test(cluster) || cluster === '\n' || cluster === '\r' || cluster === '\f') {
        pendingSpace = true;
        continue;
      }
      const out = normalizeCluster(cluster);
      if (!out) continue;
      if (pendingSpace && this.text.length > 0 && !this.text.endsWith(' ') && !this.text.endsWith('\n')) this.append(' ', at - 1, 1);
      pendingSpace = false;
      this.append(out, at, cluster.length);
    }
  }

  /** Appends text that has no counterpart in the raw text (a join space, a paragraph break). */
  insert(s: string): void {
    this.text += s;
  }

  /** Drops the last `n` characters (e.g. a hyphen at a line end when joining a broken word). */
  truncate(n: number): void {
    const newLength = Math.max(0, this.text.length - n);
    this.text = this.text.slice(0, newLength);
    while (this.segments.length > 0) {
      const last = this.segments[this.segments.length - 1]!;
      if (last[0] >= newLength) this.segments.pop();
      else {
        last[2] = Math.min(last[2], newLength - last[0]);
        break;
      }
    }
  }

  private append(out: string, rawAt: number, rawLength: number): void {
    const cleanAt = this.text.length;
    this.text += out;
    const last = this.segments[this.segments.length - 1];
    // a same-length substitution (’ → ') keeps the positional correspondence: extend the run
    if (out.length === rawLength && last && last[0] + last[2] === cleanAt && last[1] + last[2] === rawAt) {
      last[2] += out.length;
      return;
    }
    this.segments.push([cleanAt, rawAt, Math.min(out.length, rawLength)]);
  }
}

/** Maps a cleaned-text offset back to the raw text (binary search over the segments). */
export function toRawOffset(segments: readonly Segment[], cleanOffset: number): number {
  let lo = 0;
  let hi = segments.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (segments[mid]![0] <= cleanOffset) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (found < 0) return segments[0]?.[1] ?? 0;
  const [cs, rs, len] = segments[found]!;
  return rs + Math.min(cleanOffset - cs, len);
}
