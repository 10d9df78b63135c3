import type { ActionResult, DeadLetterEntry, DeadLetterSummary } from '../ops/dlq.ts';
import { duration, isoTime, oneLine, table } from './format.ts';

export function formatDeadLetters(list: { entries: DeadLetterSummary[]; sizes: Record<string, number> }): string {
  const total = Object.values(list.sizes).reduce((a, b) => a + b, 0);
  const sizes = Object.entries(list.sizes)
    .map(([s, n]) => `${s} ${n}`)
    .join(', ');
  if (total === 0) return `no dead letters (${sizes})`;
  const rows: Array<Array<string | number>> = [['stage', 'id', 'document', 'age', 'attempt', 'code', 'reason']];
  for (const e of list.entries) {
    rows.push([
      e.stage,
      e.id,
      e.document_uuid ?? '-',
      duration(e.age_ms),
      e.failed_at_attempt ?? '-',
      e.error_code || e.error_kind,
      oneLine(e.error, 70),
    ]);
  }
  const shown = list.entries.length < total ? ` (showing ${list.entries.length}; --limit for more)` : '';
  return `${total} dead letter(s): ${sizes}${shown}\n\n${table(rows)}`;
}

export function formatDeadLetter(e: DeadLetterEntry): string {
  const width = Math.max(...Object.keys(e.fields).map((k) => k.length));
  const lines = [`dead letter ${e.id} (stage ${e.stage}, stream ${e.stream})`];
  for (const [k, v] of Object.entries(e.fields)) lines.push(`  ${k.padEnd(width)}  ${k === 'failed_at' ? `${v} (${isoTime(v)})` : v}`);
  return lines.join('\n');
}

export function formatAction(verb: 'redriven' | 'purged', r: ActionResult): string {
  const lines = [
    `${r.done.length} ${verb}` +
      (r.skipped.length ? `, ${r.skipped.length} skipped` : '') +
      (r.missing.length ? `, ${r.missing.length} not found` : ''),
  ];
  for (const d of r.done) {
    const extra =
      verb === 'redriven'
        ? ` -> ${d.new_id ?? '?'}` +
          (d.state_before && d.state_before !== 'failed' ? ` (document was "${d.state_before}": requeued without a state change)` : '')
        : '';
    lines.push(`  ${d.stage} ${d.id} ${d.document_uuid ?? '-'}${extra}`);
  }
  for (const s of r.skipped) lines.push(`  skipped ${s.stage} ${s.id}: ${s.reason}`);
  for (const id of r.missing) lines.push(`  not found: ${id}`);
  return lines.join('\n');
}
