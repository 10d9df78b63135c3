/** `docpipe doc`: a document's state and history as text. */
import type { DocumentReport } from '../ops/doc.ts';
import { duration, isoTime, oneLine, table } from './format.ts';

export function formatDocument(d: DocumentReport): string {
  if (!d.found && d.history.length === 0) return `document ${d.document_uuid}: no state in Redis (never submitted under this prefix, or expired after it finished)`;
  const lines = [
    `document ${d.document_uuid}`,
    `  state     ${d.state ?? '-'}`,
    `  stage     ${d.stage ?? '-'}`,
    `  attempt   ${d.attempt ?? '-'}`,
    `  updated   ${isoTime(d.updated_at)}`,
  ];
  if (d.state?.endsWith('.retrying') && d.retry_at) lines.push(`  retry at  ${isoTime(d.retry_at)}`);
  if (d.consumer) lines.push(`  consumer  ${d.consumer}`);
  if (d.pipeline_version) lines.push(`  version   ${d.pipeline_version}`);
  if (d.error) lines.push(`  error     ${d.error}`);
  lines.push('', `history (${d.history.length} events)`);
  const rows: Array<Array<string | number>> = [['at', 'event', 'from', 'to', 'attempt', 'duration', 'consumer', 'error']];
  for (const e of d.history) {
    rows.push([isoTime(e.at), e.event, e.from, e.to, e.attempt, e.duration_ms ? duration(e.duration_ms) : '', e.consumer, oneLine(e.error, 60)]);
  }
  lines.push(table(rows));
  return lines.join('\n');
}
