/** `docpipe doc`: a document's state and history as text. */
import type { DocumentReport } from '../ops/doc.ts';
import type { DocumentList } from '../ops/documents.ts';
import { duration, isoTime, oneLine, table } from './format.ts';

export function formatDocument(d: DocumentReport): string {
  if (!d.found && d.history.length === 0)
    return `document ${d.document_uuid}: no state in Redis (never submitted under this prefix, or expired after it finished)`;
  const lines = [
    `document ${d.document_uuid}`,
    `  file      ${d.file_name ?? '-'}`,
    `  state     ${d.state ?? '-'}`,
    `  stage     ${d.stage ?? '-'}`,
    `  attempt   ${d.attempt ?? '-'}`,
    `  updated   ${isoTime(d.updated_at)}`,
  ];
  if (d.state?.endsWith('.retrying') && d.retry_at) lines.push(`  retry at  ${isoTime(d.retry_at)}`);
  if (d.consumer) lines.push(`  consumer  ${d.consumer}`);
  if (d.pipeline_version) lines.push(`  version   ${d.pipeline_version}`);
  if (d.trace_id) lines.push(`  trace     ${d.trace_id}`);
  if (d.error) lines.push(`  error     ${d.error}`);
  lines.push('', `history (${d.history.length} events)`);
  const rows: Array<Array<string | number>> = [['at', 'event', 'from', 'to', 'attempt', 'duration', 'consumer', 'error']];
  for (const e of d.history) {
    rows.push([
      isoTime(e.at),
      e.event,
      e.from,
      e.to,
      e.attempt,
      e.duration_ms ? duration(e.duration_ms) : '',
      e.consumer,
      oneLine(e.error, 60),
    ]);
  }
  lines.push(table(rows));
  return lines.join('\n');
}

/** Several documents match a `docpipe doc` query: the list, and how to pick one. */
export function formatMatches(query: string, list: DocumentList): string {
  const rows: Array<Array<string | number>> = [['document', 'file', 'state', 'stage', 'updated']];
  for (const d of list.documents) rows.push([d.document_uuid, d.file_name ?? '-', d.state, d.stage ?? '-', isoTime(d.updated_at)]);
  const shown = list.matched > list.documents.length ? ` (newest ${list.documents.length} shown)` : '';
  return `${list.matched} documents match "${query}"${shown}; give more of the uuid or the name:\n${table(rows)}`;
}
