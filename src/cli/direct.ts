import type { Logger } from 'pino';
import type { PipelineConfig } from '../config/types.ts';
import type { Broker } from '../streams/broker.ts';
import type { Sql } from '../store/db.ts';
import { createSourceDocument, listInputFiles } from '../store/documents.ts';
import { markOutcome } from '../store/intake.ts';
import { firstStageFields } from '../worker/intake.ts';

export interface Submitted {
  documentUuid: string;
  path: string;
  type: string;
}

export interface SubmitResult {
  submitted: Submitted[];
  skipped: Array<{ path: string; reason: string }>;
}

/** Every non-empty regular file is submitted: the first stage decides what it can read (and dead-letters the rest with a reason). */
const ANY_TYPE: ReadonlySet<string> = new Set(['.pdf', '.docx', '.doc', '.txt', '.eml', '.html', '.png', '.jpg', '.tiff', '.mp3', '.wav', '.m4a', '.zip', 'unknown']);

/**
 * Direct mode (`--input`, `docpipe submit`): creates the source_documents rows (type detected from
 * content) and publishes each document to the first stage. A file submitted again unchanged reuses
 * its row and document uuid, and runs again.
 */
export async function submitFiles(deps: { sql: Sql; broker: Broker; config: PipelineConfig; log: Logger }, paths: readonly string[], projectName?: string): Promise<SubmitResult> {
  const { files, skipped } = await listInputFiles(paths, { supported: ANY_TYPE });
  const submitted: Submitted[] = [];
  for (const file of files) {
    try {
      const doc = await createSourceDocument(deps.sql, { filePath: file, projectName, reuseExisting: true });
      const { published, id } = await deps.broker.submit(doc.row.documentUuid, firstStageFields(doc.message, deps.config.pipelineVersion));
      if (!published) {
        skipped.push({ path: file, reason: `already in flight (state ${id})` });
        continue;
      }
      await markOutcome(deps.sql, { documentUuid: doc.row.documentUuid, status: 'completed' }).catch(() => undefined);
      await deps.sql`UPDATE source_documents SET initial_processing_status = 'queued', error_message = NULL WHERE id = ${doc.row.id}`;
      submitted.push({ documentUuid: doc.row.documentUuid, path: file, type: doc.row.detectedFileType });
    } catch (err) {
      skipped.push({ path: file, reason: (err as Error).message });
    }
  }
  for (const s of skipped) deps.log.warn({ file: s.path, reason: s.reason }, 'input file not submitted');
  return { submitted, skipped };
}
