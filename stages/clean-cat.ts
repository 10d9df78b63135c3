/**
 * clean-cat: cleans the raw extracted text of a document (keeping a map back to raw offsets and the
 * removed page furniture as metadata) and puts it in one category of the closed label set, locally
 * or with the configured LLM (local result as fallback). Upserts the document's neo4j_documents row.
 */
import { defineStage, PermanentError, type StageMessage } from 'docpipe';
import { categorizeLocal, categorizeWithLlm, LABELS_VERSION, type CategoryResult } from '../src/nlp/categorize/index.ts';
import { cleanText } from '../src/nlp/clean/index.ts';
import { upsertCleanedDocument } from '../src/store/neo4j/documents.ts';

interface CleanCatInput extends StageMessage {
  document_uuid: string;
  source_doc_sql_id: number;
  detected_file_type?: string;
  page_count?: number;
}

interface CleanCatOutput {
  [key: string]: unknown;
  document_uuid: string;
  source_doc_sql_id: number;
  neo4j_doc_sql_id: number;
  doc_category: string;
}

interface SourceRow {
  id: string;
  document_uuid: string;
  project_id: string | null;
  file_name: string;
  detected_file_type: string | null;
  raw_extracted_text: string | null;
  ocr_metadata_json: Record<string, unknown> | null;
}

interface EmailHeaders {
  from?: string;
  to?: string;
  date?: string;
  subject?: string;
}

function emailOf(ocrMetadata: Record<string, unknown> | null): EmailHeaders | undefined {
  const email = ocrMetadata?.['email'];
  if (!email || typeof email !== 'object') return undefined;
  const e = email as Record<string, unknown>;
  const str = (k: string): string | undefined => (typeof e[k] === 'string' ? (e[k] as string) : undefined);
  return { from: str('from'), to: str('to'), date: str('date'), subject: str('subject') };
}

export default defineStage<CleanCatInput, CleanCatOutput>({
  name: 'clean-cat',
  output: new URL('../schemas/clean-cat.output.json', import.meta.url),
  options: new URL('../schemas/no-options.json', import.meta.url),
  async run(msg, ctx) {
    const { sql } = ctx.store;
    const [row] = await sql<SourceRow[]>`
      SELECT id, document_uuid, project_id, file_name, detected_file_type, raw_extracted_text, ocr_metadata_json
      FROM source_documents WHERE id = ${msg.source_doc_sql_id}`;
    if (!row) throw new PermanentError(`source document ${msg.source_doc_sql_id} does not exist`);
    if (row.document_uuid !== msg.document_uuid) {
      throw new PermanentError(`source document ${msg.source_doc_sql_id} belongs to ${row.document_uuid}, not ${msg.document_uuid}`);
    }
    if (row.raw_extracted_text === null) throw new PermanentError(`source document ${msg.source_doc_sql_id} has no extracted text`);

    const cleaned = cleanText(row.raw_extracted_text);
    const email = emailOf(row.ocr_metadata_json);
    const fileType = msg.detected_file_type ?? row.detected_file_type ?? undefined;
    const local = categorizeLocal(cleaned.text, { email, ecfStamps: cleaned.metadata.ecf_stamps, fileType });
    let result: CategoryResult = local;
    let llmError: string | undefined;
    if (ctx.llm && cleaned.text.trim()) {
      const outcome = await categorizeWithLlm(ctx.llm, cleaned.text, local, ctx.signal);
      result = outcome.result;
      llmError = outcome.error;
      if (llmError) ctx.log.warn({ err: llmError }, 'LLM categorization failed; kept the local category');
    }

    const metadata = {
      category_method: result.method,
      category_labels_version: LABELS_VERSION,
      category_local: {
        category: local.category,
        confidence: local.confidence,
        evidence: local.evidence.slice(0, 5),
        scores: local.scores,
      },
      ...(result.method === 'llm' && ctx.llm ? { category_model: ctx.llm.model } : {}),
      ...(llmError ? { category_llm_error: llmError.slice(0, 500) } : {}),
      ...(email ? { email } : {}),
      ...(fileType ? { detected_file_type: fileType } : {}),
      page_count: msg.page_count ?? cleaned.metadata.page_count,
    };

    const docId = await upsertCleanedDocument(sql, {
      documentUuid: row.document_uuid,
      sourceDocumentId: row.id,
      projectId: row.project_id,
      name: row.file_name,
      category: result.category,
      categoryConfidence: result.confidence,
      cleanedText: cleaned.text,
      cleaningMetadata: cleaned.metadata,
      metadata,
    });
    return {
      document_uuid: msg.document_uuid,
      source_doc_sql_id: Number(row.id),
      neo4j_doc_sql_id: docId,
      doc_category: result.category,
    };
  },
});
