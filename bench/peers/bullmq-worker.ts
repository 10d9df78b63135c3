/**
 * BullMQ peer: six queues in one process, each worker adding its job's data to the next queue;
 * the sixth adds to the final queue "done" (no worker; job id = document uuid).
 * Usage: bullmq-worker.ts <redis url> <concurrency>
 */
import { Queue, Worker, type Job } from 'bullmq';
import { BULL } from './bullmq-keys.ts';

const [url = 'redis://127.0.0.1:6379', concurrencyArg = '50'] = process.argv.slice(2);
const u = new URL(url);
const connection = { host: u.hostname, port: Number(u.port), maxRetriesPerRequest: null };
const concurrency = Number(concurrencyArg);
const stages = 6;

type Data = Record<string, string>;
async function noop(data: Data): Promise<Data> {
  return data;
}

const queues: Queue[] = [];
const workers: Worker[] = [];
for (let i = 0; i < stages; i++) {
  const last = i + 1 === stages;
  const next = new Queue(last ? BULL.done : BULL.queue(i + 1), { connection, prefix: BULL.prefix });
  queues.push(next);
  const worker = new Worker(
    BULL.queue(i),
    async (job: Job<Data>) => {
      const out = await noop(job.data);
      await next.add('doc', out, last ? { ...BULL.jobOpts, jobId: out['document_uuid'] } : BULL.jobOpts);
    },
    { connection, prefix: BULL.prefix, concurrency, removeOnComplete: { count: 0 }, removeOnFail: { count: 1000 } },
  );
  worker.on('error', (err) => console.error(`worker ${i + 1}: ${err.message}`));
  workers.push(worker);
}

process.on('SIGTERM', () => {
  void (async () => {
    await Promise.all(workers.map((w) => w.close()));
    await Promise.all(queues.map((q) => q.close()));
    process.exit(0);
  })();
});
