/** `docpipe export neo4j pipeline.yaml --out <dir>`: writes the staged graph as Cypher batches and neo4j-admin CSVs. */
import { loadRunnablePipeline } from '../worker/preflight.ts';
import { createLogger } from '../log/logger.ts';
import { openStore } from '../store/resolve.ts';
import { loadGraph } from '../store/neo4j/graph-export.ts';
import { writeExport } from '../graph/export/write.ts';

export interface ExportOutput {
  log(message: string): void;
  error(message: string): void;
}

/** Exit code: 0 written, 1 failed (the reason printed on `out.error`). */
export async function exportNeo4jCommand(configFile: string, outDir: string, out: ExportOutput): Promise<number> {
  let config;
  try {
    config = loadRunnablePipeline(configFile);
  } catch (err) {
    out.error((err as Error).message);
    return 1;
  }
  if (config.store.url === 'none') {
    out.error('export neo4j: this pipeline has no store (store.url: none)');
    return 1;
  }
  const store = await openStore({ url: config.store.url, dataDir: config.store.dataDir, pool: 2 }, createLogger({ level: 'warn' }));
  const sql = store.sql;
  try {
    const graph = await loadGraph(sql);
    const summary = writeExport(graph, outDir);
    out.log(`exported ${summary.nodes} nodes and ${summary.relationships} relationships (${summary.batches} Cypher batches) to ${outDir}`);
    for (const f of summary.files) out.log(`  ${f}`);
    if (summary.dangling > 0) {
      out.error(`export neo4j: ${summary.dangling} relationships point at nodes that are not in the store`);
      return 1;
    }
    return 0;
  } catch (err) {
    out.error(`export neo4j: ${(err as Error).message}`);
    return 1;
  } finally {
    await store.close();
  }
}
