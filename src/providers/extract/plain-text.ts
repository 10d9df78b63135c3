/** Plain text with its encoding detected: BOM (UTF-8, UTF-16 LE/BE), else strict UTF-8, else Windows-1252/Latin-1. */
import { countChars, type ExtractResult } from './types.ts';

export function decodeText(bytes: Buffer): { text: string; encoding: string } {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { text: bytes.subarray(3).toString('utf8'), encoding: 'utf-8-bom' };
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-16le' };
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'utf-16be' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: new TextDecoder('windows-1252').decode(bytes), encoding: 'windows-1252' };
  }
}

export function extractPlainText(bytes: Buffer): ExtractResult {
  const { text: raw, encoding } = decodeText(bytes);
  const text = raw.replace(/\r\n?/g, '\n');
  return {
    text,
    pages: [{ page: 1, method: 'parser', chars: countChars(text), confidence: 100 }],
    pageCount: 1,
    provider: 'txt_parser',
    metadata: { encoding, lines: text.split('\n').length },
  };
}
