/**
 * The PDFs a thread keeps open between requests (render and text threads): a document's pages come
 * in several requests, and opening it again would parse it again. The least recently used is
 * destroyed past `max`; a document that fails to open is not kept.
 */
import { getDocument, type PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';

export class OpenDocs<T extends { doc: PDFDocumentProxy }> {
  /** key -> the open document, most recently used last. */
  private readonly docs = new Map<string, Promise<T>>();

  constructor(
    /** What is kept with the document (e.g. its font descriptors), made once it is open. */
    private readonly withDoc: (doc: PDFDocumentProxy, bytes: Uint8Array) => T,
    private readonly max = 2,
  ) {}

  open(key: string, bytes: Uint8Array, options: object): Promise<T> {
    let open = this.docs.get(key);
    if (open) {
      this.docs.delete(key);
    } else {
      open = getDocument({ ...options, data: new Uint8Array(bytes) }).promise.then((doc) => this.withDoc(doc, bytes));
      open.catch(() => this.docs.delete(key));
    }
    this.docs.set(key, open);
    while (this.docs.size > this.max) {
      const [oldKey] = this.docs.keys();
      this.forget(oldKey as string);
    }
    return open;
  }

  forget(key: string): void {
    const open = this.docs.get(key);
    this.docs.delete(key);
    open?.then((o) => o.doc.destroy()).catch(() => {});
  }
}
