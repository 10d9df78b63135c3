/**
 * The one pdf.js of the process (pdfjs-dist legacy build, Node 20), opened with local font, cmap
 * and wasm paths so it never fetches anything. pdf.js errors become PermanentErrors here.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { getDocument, type PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { PermanentError } from '../../../errors.ts';

const require = createRequire(import.meta.url);
const PDFJS_DIR = path.dirname(require.resolve('pdfjs-dist/package.json'));

/** Options shared by every getDocument call (main thread and the render workers). */
export const PDFJS_OPTIONS = Object.freeze({
  standardFontDataUrl: `${PDFJS_DIR}/standard_fonts/`,
  cMapUrl: `${PDFJS_DIR}/cmaps/`,
  cMapPacked: true,
  wasmUrl: `${PDFJS_DIR}/wasm/`,
  isEvalSupported: false,
  disableFontFace: true,
  useSystemFonts: false,
  verbosity: 0,
});

/**
 * For reading text and routing pages: no image is decoded (every image is left out of operator
 * lists), the costly part of reading a scan, wasted on a page of text. The render threads, which
 * need the images, open the PDF with PDFJS_OPTIONS.
 */
export const PDFJS_TEXT_OPTIONS = Object.freeze({ ...PDFJS_OPTIONS, maxImageSize: 0 });

/** The options to open a PDF with (PDFJS_OPTIONS or PDFJS_TEXT_OPTIONS), with the password that opened it. */
export function withPassword(base: object, password: string | undefined): object {
  return password === undefined ? base : { ...base, password };
}

/**
 * Opens a PDF from bytes (copied: pdf.js detaches the buffer it is given). A password-protected PDF
 * is tried with each configured password in turn; the one that opened it is returned (the render
 * threads need it too).
 */
export async function openPdf(
  bytes: Uint8Array,
  name: string,
  passwords: readonly string[] = [],
  options: object = PDFJS_OPTIONS,
): Promise<{ doc: PDFDocumentProxy; password?: string }> {
  for (let i = -1; i < passwords.length; i++) {
    const password = i < 0 ? undefined : passwords[i];
    const task = getDocument({ ...options, data: new Uint8Array(bytes), ...(password === undefined ? {} : { password }) });
    try {
      const doc = await task.promise;
      return password === undefined ? { doc } : { doc, password };
    } catch (err) {
      await task.destroy().catch(() => {});
      if ((err as { name?: string } | null)?.name !== 'PasswordException') throw pdfError(err, name);
    }
  }
  throw encryptedError(name, passwords.length);
}

function encryptedError(name: string, tried: number): PermanentError {
  const why =
    tried === 0
      ? 'no password is configured (providers.ocr.pdf_passwords)'
      : `none of the ${tried} passwords in providers.ocr.pdf_passwords opens it`;
  return new PermanentError(`${name}: the PDF is password-protected and ${why}`, { code: 'DP_ERR_FILE_ENCRYPTED' });
}

/** Maps a pdf.js failure (bad structure, password, truncation) to a PermanentError. */
export function pdfError(err: unknown, name: string): PermanentError {
  const e = err as { name?: string; message?: string } | null;
  const kind = e?.name ?? 'Error';
  const detail = e?.message ?? String(err);
  if (kind === 'PasswordException') return encryptedError(name, 0);
  return new PermanentError(`${name}: the PDF cannot be read (${kind}: ${detail})`, { code: 'DP_ERR_FILE_CORRUPT', cause: err });
}
