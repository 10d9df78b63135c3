/**
 * File type detection from content (magic bytes), with the extension as a hint only where the
 * content cannot tell (plain text). Returns the seed's `detected_file_type` values.
 */
/** Every type detectFileType answers. */
export const DETECTED_TYPES = [
  '.pdf',
  '.docx',
  '.doc',
  '.txt',
  '.eml',
  '.mp3',
  '.wav',
  '.m4a',
  '.png',
  '.jpg',
  '.tiff',
  '.zip',
  '.html',
  'unknown',
] as const;
export type DetectedType = (typeof DETECTED_TYPES)[number];

const ascii = (b: Buffer, start: number, end: number) => b.subarray(start, end).toString('latin1');

export function detectFileType(bytes: Buffer, fileName = ''): DetectedType {
  const ext = (/\.[A-Za-z0-9]+$/.exec(fileName)?.[0] ?? '').toLowerCase();
  const head = bytes.subarray(0, 1024).toString('latin1');
  // PDF: a `%PDF-1.x` header within the first KiB (real files have leading junk before it); a text
  // that merely mentions "%PDF-" is not a PDF.
  if (/%PDF-\d\.\d/.test(head)) return '.pdf';
  if (bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 0x03 || bytes[2] === 0x05)) {
    const probe = bytes.subarray(0, Math.min(bytes.length, 64 * 1024)).toString('latin1');
    if (probe.includes('word/') || ext === '.docx') return '.docx';
    return '.zip';
  }
  if (bytes.length >= 8 && bytes.readUInt32BE(0) === 0xd0cf11e0) return '.doc';
  // A UTF-16 byte-order mark is text (FF FE would otherwise pass for an MPEG frame sync).
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) return '.txt';
  if (ascii(bytes, 0, 3) === 'ID3' || (bytes.length > 2 && bytes[0] === 0xff && ((bytes[1] ?? 0) & 0xe0) === 0xe0)) return '.mp3';
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WAVE') return '.wav';
  if (ascii(bytes, 4, 8) === 'ftyp') return '.m4a';
  if (bytes.length >= 8 && bytes.readUInt32BE(0) === 0x89504e47) return '.png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return '.jpg';
  if (ascii(bytes, 0, 4) === 'II*\u0000' || ascii(bytes, 0, 4) === 'MM\u0000*') return '.tiff';
  if (looksBinary(bytes)) return 'unknown';
  // Text-like: an e-mail has RFC 5322 headers at the top.
  if (
    /^(?:[A-Za-z][A-Za-z0-9-]*:[^\n]*\r?\n(?:[ \t][^\n]*\r?\n)*){2,}/.test(head) &&
    /^(from|to|subject|date|received|message-id|mime-version|return-path|delivered-to|x-[a-z-]+):/im.test(head)
  ) {
    return '.eml';
  }
  if (/^\s*<(!doctype html|html)/i.test(head)) return '.html';
  return '.txt';
}

/** NUL bytes (outside a UTF-16 BOM text) or many control characters mean binary. */
function looksBinary(bytes: Buffer): boolean {
  const sample = bytes.subarray(0, 4096);
  if (sample.length >= 2 && ((sample[0] === 0xff && sample[1] === 0xfe) || (sample[0] === 0xfe && sample[1] === 0xff))) return false;
  let control = 0;
  for (const b of sample) {
    if (b === 0) return true;
    if (b < 9 || (b > 13 && b < 32)) control++;
  }
  return sample.length > 0 && control / sample.length > 0.1;
}
