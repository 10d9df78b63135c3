/**
 * Redis Cluster hash slots (CRC16/XMODEM of the key, or of its `{hash tag}`, mod 16384). Every
 * multi-key script docpipe runs must touch one slot, so a cluster pipeline's keys must share one.
 */
const TABLE = (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 8;
    for (let k = 0; k < 8; k++) c = c & 0x8000 ? ((c << 1) ^ 0x1021) & 0xffff : (c << 1) & 0xffff;
    t[i] = c;
  }
  return t;
})();

function crc16(data: Buffer): number {
  let crc = 0;
  for (const b of data) crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ b) & 0xff]!;
  return crc;
}

/** The part of a key that is hashed: the first non-empty `{…}` tag, else the whole key. */
function hashTag(key: string): string {
  const open = key.indexOf('{');
  if (open === -1) return key;
  const close = key.indexOf('}', open + 1);
  if (close === -1 || close === open + 1) return key;
  return key.slice(open + 1, close);
}

function keySlot(key: string): number {
  return crc16(Buffer.from(hashTag(key))) % 16384;
}

/** The keys a pipeline's scripts combine, grouped by slot (one group means cluster-safe). */
export function slotsOf(keys: readonly string[]): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const k of keys) {
    const s = keySlot(k);
    out.set(s, [...(out.get(s) ?? []), k]);
  }
  return out;
}
