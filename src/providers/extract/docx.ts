/** DOCX with mammoth: converted to HTML (keeps in-paragraph line breaks and tables), then to text. */
import mammoth from 'mammoth';
import { PermanentError } from '../../errors.ts';
import { htmlToText } from './html-text.ts';
import { countChars, type ExtractResult } from './types.ts';
import { checkZip, type ZipLimits } from './zip-guard.ts';

export async function extractDocx(bytes: Buffer, name: string, limits: ZipLimits): Promise<ExtractResult> {
  if (bytes.length < 4 || bytes.readUInt32LE(0) !== 0x04034b50) {
    throw new PermanentError(`${name}: a .docx must be a ZIP archive, and this file is not one`, { code: 'DP_ERR_FILE_CORRUPT' });
  }
  const entries = checkZip(bytes, name, limits);
  if (!entries.some((e) => e.name === 'word/document.xml')) {
    throw new PermanentError(`${name}: a ZIP without word/document.xml is not a DOCX`, { code: 'DP_ERR_FILE_UNSUPPORTED' });
  }
  let html: string;
  let messages: Array<{ type: string; message: string }>;
  try {
    ({ value: html, messages } = await mammoth.convertToHtml({ buffer: bytes }, { ignoreEmptyParagraphs: false }));
  } catch (err) {
    throw new PermanentError(`${name}: the DOCX cannot be read (${(err as Error).message})`, { code: 'DP_ERR_FILE_CORRUPT', cause: err });
  }
  const text = htmlToText(html);
  const count = (re: RegExp) => (html.match(re) ?? []).length;
  return {
    text,
    pages: [{ page: 1, method: 'parser', chars: countChars(text), confidence: 100 }],
    pageCount: 1,
    provider: 'docx_parser',
    metadata: {
      docx: {
        paragraphs: count(/<p[\s>]/g),
        headings: count(/<h[1-6][\s>]/g),
        tables: count(/<table[\s>]/g),
        list_items: count(/<li[\s>]/g),
        images: count(/<img[\s>]/g),
        warnings: messages
          .filter((m) => m.type === 'warning')
          .map((m) => m.message)
          .slice(0, 20),
      },
    },
  };
}
