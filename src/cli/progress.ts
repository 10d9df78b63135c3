import { SingleBar } from 'cli-progress';
import type { Outcome } from '../worker/observer.ts';

export interface StageTally {
  processed: number;
  retried: number;
  dead_lettered: number;
  skipped: number;
  ms: number;
}

/** Counts outcomes per stage during a run and renders progress (bar on a TTY, lines otherwise) and the final table. */
export class RunProgress {
  readonly stages = new Map<string, StageTally>();
  private readonly started = Date.now();
  private bar: SingleBar | undefined;
  private lastLine = 0;
  total = 0;
  done = 0;
  failed = 0;

  constructor(
    private readonly stageOrder: readonly string[],
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {
    for (const s of stageOrder) this.stages.set(s, { processed: 0, retried: 0, dead_lettered: 0, skipped: 0, ms: 0 });
  }

  begin(total: number): void {
    this.total = total;
    if (total === 0) return;
    if (this.out.isTTY) {
      this.bar = new SingleBar({
        format: 'documents {bar} {value}/{total} | done {done} failed {failed} | {rate}/min | ETA {eta_formatted}',
        stream: this.out,
        hideCursor: true,
        etaBuffer: 20,
      });
      this.bar.start(total, 0, { done: 0, failed: 0, rate: '0' });
    }
  }

  record(stage: string, outcome: Outcome, ms: number, lastStage: boolean): void {
    const t = this.stages.get(stage);
    if (!t) return;
    if (outcome === 'processed' || outcome === 'retried' || outcome === 'dead_lettered' || outcome === 'skipped') t[outcome]++;
    t.ms += ms;
    if (outcome === 'dead_lettered') this.failed++;
    if (outcome === 'processed' && lastStage) this.done++;
    this.tick();
  }

  private tick(): void {
    // called per message: nothing to do unless a bar or a progress line is shown
    if (!this.bar && this.total === 0) return;
    const finished = this.done + this.failed;
    // documents fed from the streams (queue intake, redrives) finish too: the total grows with them
    if (finished > this.total) {
      this.total = finished;
      this.bar?.setTotal(finished);
    }
    const minutes = (Date.now() - this.started) / 60000;
    const rate = minutes > 0 ? (finished / minutes).toFixed(1) : '0';
    if (this.bar) {
      this.bar.update(Math.min(finished, this.total), { done: this.done, failed: this.failed, rate });
    } else if (Date.now() - this.lastLine > 2000 || finished >= this.total) {
      this.lastLine = Date.now();
      this.out.write(`progress: ${finished}/${this.total} documents (done ${this.done}, failed ${this.failed}), ${rate}/min\n`);
    }
  }

  end(): void {
    this.bar?.stop();
  }

  table(states: Record<string, number>): string {
    const rows = [['stage', 'done', 'retried', 'failed', 'skipped', 'avg time']];
    for (const s of this.stageOrder) {
      const t = this.stages.get(s)!;
      const n = t.processed + t.retried;
      rows.push([
        s,
        String(t.processed),
        String(t.retried),
        String(t.dead_lettered),
        String(t.skipped),
        n ? `${Math.round(t.ms / n)}ms` : '-',
      ]);
    }
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
    const secs = ((Date.now() - this.started) / 1000).toFixed(1);
    const summary =
      Object.entries(states)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || 'none';
    return [line(rows[0]!), ...rows.slice(1).map(line), '', `documents: ${summary} (in ${secs}s)`].join('\n');
  }
}
