import { entryBytes, fieldsFromArray, type Fields } from '../messages/codec.ts';

/** One entry as read from a stream: its raw field list, with the field map and size worked out on demand. */
export class StreamEntry {
  /** Times the entry was delivered (known for reclaimed entries). */
  deliveries: number | undefined;
  private map: Fields | undefined;
  private size = -1;

  constructor(
    readonly id: string,
    /** `[k1, v1, k2, v2, …]` as Redis returned it. */
    readonly list: readonly string[],
  ) {}

  get fields(): Fields {
    return (this.map ??= fieldsFromArray(this.list));
  }

  /** Size of the entry in bytes (keys and values, UTF-8). */
  get bytes(): number {
    if (this.size < 0) this.size = entryBytes(this.list);
    return this.size;
  }

  /** True when the entry is at most `max` bytes (exact sizes are only computed near the limit). */
  fits(max: number): boolean {
    let chars = 0;
    for (const s of this.list) chars += s.length;
    // a UTF-16 code unit is at most 3 bytes of UTF-8
    return chars * 3 <= max || this.bytes <= max;
  }
}

/** Raw XREADGROUP / XAUTOCLAIM reply shapes (ioredis' default array replies). */
export type RawEntry = [string, string[] | null];

export function parseEntries(raw: RawEntry[] | null | undefined): StreamEntry[] {
  const out: StreamEntry[] = [];
  for (const [id, list] of raw ?? []) {
    if (!list) continue; // an entry deleted while pending
    out.push(new StreamEntry(id, list));
  }
  return out;
}

/** XINFO-style flat reply `[k1, v1, k2, v2, …]` to a map. */
export function infoMap(list: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i + 1 < list.length; i += 2) out[String(list[i])] = list[i + 1];
  return out;
}
