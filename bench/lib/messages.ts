import { randomUUID } from 'node:crypto';

/** The seed's ocr intake message: about 200 bytes of flat fields (keys and values). */
export interface BenchDoc {
  document_uuid: string;
  source_doc_sql_id: string;
  file_path: string;
  file_name: string;
  detected_file_type: string;
  project_sql_id: string;
}

export function makeDoc(n: number): BenchDoc {
  const name = `complaint-${String(n).padStart(6, '0')}.pdf`;
  return {
    document_uuid: randomUUID(),
    source_doc_sql_id: String(100_000 + n),
    file_path: `/srv/docpipe/documents/project-0042/2024/filings/${name}`,
    file_name: name,
    detected_file_type: '.pdf',
    project_sql_id: '42',
  };
}

export function docBytes(doc: BenchDoc): number {
  let n = 0;
  for (const [k, v] of Object.entries(doc)) n += Buffer.byteLength(k) + Buffer.byteLength(v);
  return n;
}

export function docFields(doc: BenchDoc): string[] {
  return Object.entries(doc).flat();
}
