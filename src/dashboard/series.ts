/** Per-minute throughput of each stage for the dashboard's sparklines (the `stats:<stage>:m:<minute>` hashes). */
import type { OpsContext } from '../ops/connect.ts';
import { countersFrom, epochMinute } from '../ops/windows.ts';

/** How many minutes a sparkline shows. */
const SERIES_MINUTES = 30;

/** Documents processed per minute, oldest first, ending with the current (partial) minute. */
export async function throughputSeries(ctx: OpsContext, now = Date.now(), minutes = SERIES_MINUTES): Promise<Record<string, number[]>> {
  const last = epochMinute(now);
  const span = Array.from({ length: minutes }, (_, i) => last - minutes + 1 + i);
  const pipe = ctx.redis.pipeline();
  for (const s of ctx.config.stages) for (const m of span) pipe.hgetall(ctx.keys.statsMinute(s.name, m));
  const replies = (await pipe.exec()) ?? [];
  const out: Record<string, number[]> = {};
  ctx.config.stages.forEach((s, si) => {
    out[s.name] = span.map((_, mi) => countersFrom(replies[si * minutes + mi]?.[1] as Record<string, string> | undefined).processed);
  });
  return out;
}
