import { duration, isoTime, table } from './format.ts';
import type { StatusReport } from '../ops/status.ts';

/**
 * `docpipe status` for humans: one row per stage, then documents by state. `file` is the pipeline
 * file as the user gave it: the hints name it, so they act on the same pipeline when run as printed.
 */
export function formatStatus(r: StatusReport, file?: string): string {
  const header = [
    'stage',
    'length',
    'lag',
    'pending',
    'oldest idle',
    'consumers',
    'retries',
    'dlq',
    'done 1m',
    'failed 1m',
    'done 1h',
    'failed 1h',
    'per min',
    'avg',
  ];
  const rows: Array<Array<string | number>> = [header];
  for (const s of r.stages) {
    rows.push([
      s.stage,
      s.length,
      s.lag,
      s.pending,
      duration(s.oldest_pending_idle_ms),
      `${s.consumers_alive}/${s.consumers.length}`,
      s.scheduled_retries,
      s.dlq_size,
      s.last_minute.processed,
      s.last_minute.dead_lettered,
      s.last_hour.processed,
      s.last_hour.dead_lettered,
      s.throughput_per_min,
      duration(s.avg_duration_ms),
    ]);
  }
  const states = Object.entries(r.documents).filter(([, n]) => n > 0);
  const lines = [
    `pipeline ${r.pipeline}  prefix ${r.prefix}  at ${isoTime(r.at)}`,
    '',
    table(rows),
    '',
    `documents: ${r.documents_total}` + (states.length ? `  (${states.map(([s, n]) => `${s} ${n}`).join(', ')})` : ''),
    `completed stream: ${r.completed_stream_length} entries` +
      (r.illegal_transitions ? `   illegal transitions rejected: ${r.illegal_transitions}` : ''),
  ];
  const warnings = statusWarnings(r, file);
  if (warnings.length) lines.push('', ...warnings.map((w) => `! ${w}`));
  return lines.join('\n');
}

/** What an operator should look at: dead letters, work with no live consumer, stuck entries. */
function statusWarnings(r: StatusReport, file?: string): string[] {
  const out: string[] = [];
  const f = file ? `${/\s/.test(file) ? JSON.stringify(file) : file} ` : '';
  for (const s of r.stages) {
    if (s.dlq_size > 0) out.push(`${s.stage}: ${s.dlq_size} dead letter(s): docpipe dlq ${f}list --stage ${s.stage}`);
    if ((s.lag > 0 || s.pending > 0) && s.consumers_alive === 0)
      out.push(
        `${s.stage}: ${s.lag + s.pending} entries waiting and no live consumer: start docpipe-run ${f || 'pipeline.yaml '}--stage ${s.stage}`,
      );
  }
  return out;
}
