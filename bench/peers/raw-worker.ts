/**
 * The near-limit baseline: a hand-written ioredis Streams chain of six no-op stages in one process.
 * Per stage one connection: XREADGROUP COUNT 100 BLOCK, then one pipeline per batch with, for each
 * entry, HSET of the document's state, XADD to the next stream and XACK. No validation, no state
 * machine, no retries. Usage: raw-worker.ts <redis url> <stages> <batch>
 */
import { Redis } from 'ioredis';
import { RAW } from './raw-keys.ts';

const [url = 'redis://127.0.0.1:6379', stagesArg = '6', batchArg = '100'] = process.argv.slice(2);
const stages = Number(stagesArg);
const batch = Number(batchArg);
const consumer = `raw-${process.pid}`;
let stopping = false;
const conns: Redis[] = [];

async function noop(fields: string[]): Promise<string[]> {
  return fields;
}

async function stage(i: number): Promise<void> {
  const conn = new Redis(url, { maxRetriesPerRequest: null });
  conns.push(conn);
  const stream = RAW.stream(i);
  const next = i + 1 < stages ? RAW.stream(i + 1) : RAW.completed;
  const state = `s${i + 1}.done`;
  await conn.xgroup('CREATE', stream, RAW.group, '0', 'MKSTREAM').catch((err: Error) => {
    if (!err.message.startsWith('BUSYGROUP')) throw err;
  });
  while (!stopping) {
    const reply = (await conn.xreadgroup('GROUP', RAW.group, consumer, 'COUNT', batch, 'BLOCK', 1000, 'STREAMS', stream, '>')) as Array<
      [string, Array<[string, string[]]>]
    > | null;
    const entries = reply?.[0]?.[1];
    if (!entries?.length) continue;
    const p = conn.pipeline();
    for (const [id, fields] of entries) {
      const out = await noop(fields);
      p.hset(RAW.doc(uuidOf(out)), 'state', state);
      p.xadd(next, '*', ...out);
      p.xack(stream, RAW.group, id);
    }
    await p.exec();
  }
}

process.on('SIGTERM', () => {
  stopping = true;
});
const loops = Array.from({ length: stages }, (_, i) => stage(i));
await Promise.all(loops).catch((err: unknown) => {
  if (!stopping) {
    console.error(err);
    process.exitCode = 1;
  }
});
for (const c of conns) c.disconnect();

function uuidOf(fields: readonly string[]): string {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === 'document_uuid') return fields[i + 1]!;
  return 'unknown';
}
