/**
 * Inside a text thread (text-worker.mjs): reads pages of a PDF with its own pdf.js, as the main
 * thread does (page-analysis.ts), and answers with the plain-data analyses.
 * Protocol: in  { id, key, bytes, name, pages: number[], options } | { forget: key }
 *           out { id, pages: AnalysedPage[] } | { id, error: { name, message, code? } }
 */
import { parentPort } from 'node:worker_threads';
import type { PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { DocpipeError } from '../../../errors.ts';
import { scanFontDescriptors, type FontDescriptors } from './fonts.ts';
import { OpenDocs } from './open-docs.ts';
import { analysePage } from './page-analysis.ts';

interface Open {
  doc: PDFDocumentProxy;
  fonts: FontDescriptors;
}

const docs = new OpenDocs<Open>((doc, bytes) => ({ doc, fonts: scanFontDescriptors(Buffer.from(bytes)) }));

interface Request {
  id: number;
  key: string;
  bytes: Uint8Array;
  name: string;
  pages: number[];
  options: object;
}

async function analyse(msg: Request) {
  const { doc, fonts } = await docs.open(msg.key, msg.bytes, msg.options);
  const out = [];
  for (const p of msg.pages) out.push(await analysePage(doc, p, msg.name, fonts));
  return out;
}

parentPort?.on('message', (msg: Request | { forget: string }) => {
  if ('forget' in msg) {
    docs.forget(msg.forget);
    return;
  }
  analyse(msg).then(
    (pages) => parentPort?.postMessage({ id: msg.id, pages }),
    (err: unknown) => {
      const e = err as { name?: string; message?: string } | null;
      const error = {
        name: e?.name ?? 'Error',
        message: e?.message ?? String(err),
        ...(err instanceof DocpipeError ? { code: err.code } : {}),
      };
      parentPort?.postMessage({ id: msg.id, error });
    },
  );
});
