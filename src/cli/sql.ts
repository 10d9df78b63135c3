import path from 'node:path';
import { loadRunnablePipeline } from '../worker/preflight.ts';
import { createLogger } from '../log/logger.ts';
import { EXIT_OK, EXIT_PROBLEM, EXIT_USAGE, type CommandOutput } from './support.ts';
import { table } from './format.ts';
import { openPipelineStore } from './run.ts';

/**
 * `docpipe sql [pipeline.yaml] "<query>"`: runs one SQL statement on the pipeline's store — the
 * embedded Postgres included, started for the query if no docpipe process runs it — and prints the
 * rows as a table (or JSON). Exit 0, 1 when the statement fails, 2 on a usage error.
 */
export async function sqlCommand(args: string[], opts: { json?: boolean }, out: CommandOutput): Promise<number> {
  const file = args.length > 0 && /\.ya?ml$/i.test(args[0]!) ? args[0]! : 'pipeline.yaml';
  const query = (file === args[0] ? args.slice(1) : args).join(' ').trim();
  if (!query) {
    out.error(
      'docpipe sql: give the statement, e.g. docpipe sql pipeline.yaml "SELECT file_name, initial_processing_status FROM source_documents"',
    );
    return EXIT_USAGE;
  }
  const config = loadRunnablePipeline(path.resolve(file));
  const opened = await openPipelineStore(config, createLogger({ level: 'warn' }));
  try {
    if (opened.none) {
      out.error('docpipe sql: this pipeline has no store (store.url: none)');
      return EXIT_USAGE;
    }
    let rows: Array<Record<string, unknown>>;
    try {
      rows = await opened.store.sql.unsafe(query);
    } catch (err) {
      out.error(`docpipe sql: ${(err as Error).message}`);
      return EXIT_PROBLEM;
    }
    if (opts.json) {
      out.log(JSON.stringify(rows, null, 2));
      return EXIT_OK;
    }
    const columns = rows.length ? Object.keys(rows[0]!) : [];
    const cell = (v: unknown) =>
      v === null || v === undefined
        ? ''
        : typeof v === 'object' && !(v instanceof Date)
          ? JSON.stringify(v)
          : String(v instanceof Date ? v.toISOString() : v).replace(/\s+/g, ' ');
    if (columns.length) out.log(table([columns, ...rows.map((r) => columns.map((c) => cell(r[c])))]));
    out.log(`(${rows.length} row${rows.length === 1 ? '' : 's'})`);
    return EXIT_OK;
  } finally {
    await opened.close();
  }
}
