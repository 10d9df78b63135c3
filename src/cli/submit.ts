import path from 'node:path';
import { loadRunnablePipeline } from '../worker/preflight.ts';
import { createLogger } from '../log/logger.ts';
import { createDocumentMachine } from '../state/machine.ts';
import { Broker } from '../streams/broker.ts';
import { connectRedis } from '../streams/redis.ts';
import { outsideRoots, outsideRootsHelp, submitFiles } from './direct.ts';
import { openPipelineStore } from './run.ts';
import { startTracing } from '../telemetry/tracing.ts';

export interface SubmitOutput {
  log(message: string): void;
  error(message: string): void;
}

/**
 * `docpipe submit [pipeline.yaml] <files or folders…>`: creates the source_documents rows (type
 * detected from content) and publishes each document to the first stage, without running workers.
 * Exit 0 when every file was submitted, 1 when some were not (each reported), 2 on a usage error or
 * when a file lies outside `files.allowed_roots` (then nothing is submitted).
 */
export async function submitCommand(args: string[], opts: { project?: string; json?: boolean }, out: SubmitOutput): Promise<number> {
  const file = args.length > 1 && /\.ya?ml$/i.test(args[0]!) ? args[0]! : 'pipeline.yaml';
  const inputs = file === args[0] ? args.slice(1) : args;
  if (inputs.length === 0) {
    out.error('docpipe submit: give the files or folders to submit');
    return 2;
  }
  const log = createLogger({ level: 'warn' });
  const config = loadRunnablePipeline(path.resolve(file));
  const outside = await outsideRoots(inputs, config.files.allowedRoots);
  if (outside.length) {
    out.error(`docpipe submit: nothing submitted: ${outsideRootsHelp(outside, config.files.allowedRoots)}`);
    return 2;
  }
  const opened = await openPipelineStore(config, log);
  if (opened.none) {
    out.error('docpipe submit: this pipeline has no store (store.url: none)');
    return 2;
  }
  // with OTEL_* set, each document's trace starts here (its `submit` span), as with --input and intake
  let tracing: ReturnType<typeof startTracing>;
  try {
    tracing = startTracing({ pipeline: config.name, log });
  } catch (err) {
    await opened.close();
    throw err;
  }
  const redis = connectRedis(config.redis, log, 'docpipe:submit');
  try {
    const broker = new Broker(redis, config, createDocumentMachine(config.stages.map((s) => s.name)));
    await broker.ensureGroups([config.stages[0]!]);
    const result = await submitFiles({ sql: opened.store.sql, broker, config, log }, inputs);
    if (opts.json) {
      out.log(JSON.stringify(result, null, 2));
    } else {
      for (const s of result.submitted) out.log(`${s.documentUuid}  ${s.type.padEnd(6)}  ${s.path}`);
      for (const s of result.skipped) out.error(`skipped ${s.path}: ${s.reason}`);
      out.log(
        `submitted ${result.submitted.length} document(s) to ${config.stages[0]!.stream}${result.skipped.length ? `; ${result.skipped.length} skipped` : ''}`,
      );
    }
    return result.skipped.length ? 1 : 0;
  } finally {
    await tracing?.shutdown();
    await redis.quit().catch(() => redis.disconnect());
    await opened.close();
  }
}
