/**
 * A password-protected PDF for the tests, written from scratch: one page of Helvetica text,
 * encrypted with the PDF standard security handler, revision 3 (RC4, 128-bit key), the algorithms
 * of ISO 32000-1 §7.6.3 (key from the padded user password, /O, /P and the file ID; /U and /O
 * values; a per-object RC4 key for strings and streams). Deterministic for given inputs.
 */
import { createHash } from 'node:crypto';

const PAD = Buffer.from('28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a', 'hex');
const KEY_BYTES = 16;

const md5 = (...parts: Buffer[]): Buffer => createHash('md5').update(Buffer.concat(parts)).digest();

function rc4(key: Buffer, data: Buffer): Buffer {
  const s = Array.from({ length: 256 }, (_, i) => i);
  for (let i = 0, j = 0; i < 256; i++) {
    j = (j + s[i]! + key[i % key.length]!) & 255;
    [s[i], s[j]] = [s[j]!, s[i]!];
  }
  const out = Buffer.alloc(data.length);
  for (let n = 0, i = 0, j = 0; n < data.length; n++) {
    i = (i + 1) & 255;
    j = (j + s[i]!) & 255;
    [s[i], s[j]] = [s[j]!, s[i]!];
    out[n] = data[n]! ^ s[(s[i]! + s[j]!) & 255]!;
  }
  return out;
}

const padded = (password: string): Buffer => Buffer.concat([Buffer.from(password, 'latin1'), PAD]).subarray(0, 32);

/** RC4 with the key, then 19 more passes with the key's bytes XOR 1..19 (revision 3). */
function rc4Twenty(key: Buffer, data: Buffer): Buffer {
  let out = rc4(key, data);
  for (let i = 1; i <= 19; i++) out = rc4(Buffer.from(key.map((b) => b ^ i)), out);
  return out;
}

function ownerValue(owner: string, user: string): Buffer {
  let h = md5(padded(owner || user));
  for (let i = 0; i < 50; i++) h = md5(h.subarray(0, KEY_BYTES));
  return rc4Twenty(h.subarray(0, KEY_BYTES), padded(user));
}

function fileKey(user: string, o: Buffer, p: number, id: Buffer): Buffer {
  const pBytes = Buffer.alloc(4);
  pBytes.writeInt32LE(p);
  let h = md5(padded(user), o, pBytes, id);
  for (let i = 0; i < 50; i++) h = md5(h.subarray(0, KEY_BYTES));
  return h.subarray(0, KEY_BYTES);
}

function objectKey(key: Buffer, num: number, gen: number): Buffer {
  const n = Buffer.from([num & 255, (num >> 8) & 255, (num >> 16) & 255, gen & 255, (gen >> 8) & 255]);
  return md5(key, n).subarray(0, Math.min(KEY_BYTES + 5, 16));
}

export interface EncryptedPdfOptions {
  /** Needed to open the file ("" opens without a prompt; then only the owner password restricts). */
  userPassword: string;
  ownerPassword: string;
  lines: readonly string[];
}

/** One page of text, encrypted (RC4 128-bit, revision 3). */
export function encryptedPdf(options: EncryptedPdfOptions): Buffer {
  const id = md5(Buffer.from(`docpipe-test:${options.lines.join('\n')}`));
  const p = -4;
  const o = ownerValue(options.ownerPassword, options.userPassword);
  const key = fileKey(options.userPassword, o, p, id);
  const u = Buffer.concat([rc4Twenty(key, md5(PAD, id)), Buffer.alloc(16)]);
  const escape = (s: string) => s.replace(/[()\\]/g, '\\$&');
  const content = Buffer.from(
    ['BT /F1 12 Tf 72 720 Td 16 TL', ...options.lines.map((l) => `(${escape(l)}) Tj T*`), 'ET'].join('\n'),
    'latin1',
  );
  const stream = rc4(objectKey(key, 4, 0), content);
  const hex = (b: Buffer) => `<${b.toString('hex')}>`;
  const objects: Buffer[] = [
    Buffer.from('<< /Type /Catalog /Pages 2 0 R >>'),
    Buffer.from('<< /Type /Pages /Kids [3 0 R] /Count 1 >>'),
    Buffer.from('<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>'),
    Buffer.concat([Buffer.from(`<< /Length ${stream.length} >>\nstream\n`), stream, Buffer.from('\nendstream')]),
    Buffer.from('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>'),
    Buffer.from(`<< /Filter /Standard /V 2 /R 3 /Length 128 /O ${hex(o)} /U ${hex(u)} /P ${p} >>`),
  ];
  const parts: Buffer[] = [Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  const offsets: number[] = [];
  let at = parts[0]!.length;
  objects.forEach((body, i) => {
    const obj = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`), body, Buffer.from('\nendobj\n')]);
    offsets.push(at);
    parts.push(obj);
    at += obj.length;
  });
  const xref = [
    'xref',
    `0 ${objects.length + 1}`,
    '0000000000 65535 f ',
    ...offsets.map((off) => `${String(off).padStart(10, '0')} 00000 n `),
  ].join('\n');
  parts.push(
    Buffer.from(
      `${xref}\ntrailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Encrypt 6 0 R /ID [${hex(id)} ${hex(id)}] >>\nstartxref\n${at}\n%%EOF\n`,
    ),
  );
  return Buffer.concat(parts);
}
