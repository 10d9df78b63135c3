import { existsSync, statSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import type { PipelineConfig } from '../config/types.ts';
import type { Broker } from '../streams/broker.ts';
import type { Sql } from '../store/db.ts';
import { DETECTED_TYPES } from '../providers/detect.ts';
import { listInputFiles, probeFile } from '../providers/probe.ts';
import { createSourceDocument } from '../store/documents.ts';
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
const ANY_TYPE: ReadonlySet<string> = new Set(DETECTED_TYPES);

/**
 * Direct mode (`--input`, `docpipe submit`): creates the source_documents rows (type detected from
 * content) and publishes each document to the first stage. A file submitted again unchanged reuses
 * its row and document uuid, and runs again.
 */
export async function submitFiles(
  deps: { sql: Sql; broker: Broker; config: PipelineConfig; log: Logger },
  paths: readonly string[],
  projectName?: string,
): Promise<SubmitResult> {
  const { files, skipped } = await listInputFiles(paths, { supported: ANY_TYPE });
  const submitted: Submitted[] = [];
  for (const file of files) {
    try {
      const doc = await createSourceDocument(deps.sql, { file: await probeFile(file), projectName, reuseExisting: true });
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

/**
 * The inputs (files or folders, symlinks resolved) that lie outside `roots`: the stages would refuse
 * to read them, so `docpipe submit` refuses them up front. Paths that do not exist are left to the
 * submission, which reports them.
 */
export async function outsideRoots(inputs: readonly string[], roots: readonly string[]): Promise<string[]> {
  const real = (p: string) => realpath(p).catch(() => path.resolve(p));
  const realRoots = await Promise.all(roots.map(real));
  const outside: string[] = [];
  for (const input of inputs) {
    if (!existsSync(input)) continue;
    const abs = await real(input);
    if (!realRoots.some((root) => abs === root || abs.startsWith(root.endsWith(path.sep) ? root : root + path.sep))) outside.push(input);
  }
  return outside;
}

/** How to let the stages read `outside`: the folders to add to `files.allowed_roots`. */
export function outsideRootsHelp(outside: readonly string[], roots: readonly string[]): string {
  const folders = [
    ...new Set(
      outside.map((p) => {
        const abs = path.resolve(p);
        return existsSync(abs) && statSync(abs).isDirectory() ? abs : path.dirname(abs);
      }),
    ),
  ];
  return [
    `outside files.allowed_roots (${[...new Set(roots)].join(', ')}), so the stages could not read them: ${outside.join(', ')}`,
    `  fix: add ${folders.join(', ')} to files.allowed_roots in the pipeline file, or with the shipped pipeline.yaml set DOCPIPE_DOCUMENTS=${folders[0]}`,
    `  (docpipe-run <pipeline.yaml> --input ${outside.join(' ')} also submits them and lets its stages read them)`,
  ].join('\n');
}
