import path from 'node:path';
import type { PipelineConfig } from '../config/types.ts';
import { redactUrl } from '../log/logger.ts';
import type { Runner } from '../worker/runner.ts';
import type { Submitted } from './direct.ts';
import type { RunProgress } from './progress.ts';

/** Documents listed one per line in the summary; above this, the `docpipe status` hint only. */
const LIST_AT_MOST = 20;

/** The tables the shipped stages write, in pipeline order. */
const RESULT_TABLES = [
  'source_documents',
  'neo4j_documents',
  'neo4j_chunks',
  'neo4j_entity_mentions',
  'neo4j_canonical_entities',
  'neo4j_relationships_staging',
];

export interface RunSummary {
  text: string;
  /** Every document of this run completed: nothing failed, was dead-lettered or skipped at submission. */
  allCompleted: boolean;
}

/**
 * The human summary of `docpipe-run --until-idle` (stdout): per-stage table; the documents of this
 * run by state, those fed from the streams (queue intake, redrives, other producers) too; where
 * the results are (store without secrets, tables) and how to look at a document.
 */
export async function summarizeRun(r: {
  config: PipelineConfig;
  runner: Runner;
  progress: RunProgress;
  submitted: Submitted[];
  skipped: number;
  storeUrl: string | undefined;
  embedded: boolean;
  file: string | undefined;
}): Promise<RunSummary> {
  const { progress, submitted } = r;
  const states: Record<string, number> = {};
  const lines: string[] = [];
  const failed: string[] = [];
  for (const doc of submitted) {
    const d = await r.runner.redisDoc(doc.documentUuid);
    const state = d['state'] ?? 'unknown';
    states[state] = (states[state] ?? 0) + 1;
    if (submitted.length <= LIST_AT_MOST) lines.push(`  ${doc.documentUuid}  ${state.padEnd(9)}  ${path.basename(doc.path)}`);
    if (state === 'failed') failed.push(`  ${failureLine(path.basename(doc.path), d['error'] ?? '')}`);
  }
  const mine = states['completed'] ?? 0;
  const fromStreams = { completed: Math.max(0, progress.done - mine), failed: Math.max(0, progress.failed - (states['failed'] ?? 0)) };
  if (!submitted.length) {
    if (fromStreams.completed) states['completed'] = fromStreams.completed;
    if (fromStreams.failed) states['failed'] = fromStreams.failed;
  }
  const out = [progress.table(states)];
  if (submitted.length && fromStreams.completed + fromStreams.failed > 0) {
    out.push(`from the streams (queue, redrives, other producers): completed ${fromStreams.completed}, failed ${fromStreams.failed}`);
  }
  if (failed.length) out.push(`failed:\n${failed.join('\n')}`);
  if (lines.length) out.push(`documents of this run:\n${lines.join('\n')}`);
  const file = r.file ?? 'pipeline.yaml';
  if (r.storeUrl) {
    const where = r.embedded
      ? `embedded Postgres (data in ${path.relative(process.cwd(), r.config.store.dataDir) || r.config.store.dataDir}; SQL: docpipe sql ${file})`
      : redactUrl(r.storeUrl);
    out.push(`results: ${where}, tables ${RESULT_TABLES.join(', ')}`);
  }
  out.push(`look closer: docpipe status ${file}; docpipe doc ${file} <document_uuid>`);
  const allCompleted = mine === submitted.length && r.skipped === 0 && progress.failed === 0;
  return { text: out.join('\n'), allCompleted };
}

/** `name: error`, without repeating the name when the error already starts with it. */
function failureLine(name: string, error: string): string {
  return error.startsWith(`${name}: `) ? error : `${name}: ${error}`;
}
