/** `docpipe export neo4j pipeline.yaml --out <dir>`: writes the staged graph as Cypher batches and neo4j-admin CSVs. */
import { loadPipeline } from '../config/load.ts';
import { connectStore } from '../store/db.ts';
import { loadGraph } from '../graph/export/load.ts';
import { writeExport } from '../graph/export/write.ts';

export interface ExportOutput {
  log(message: string): void;
  error(message: string): void;
}

/** Exit code: 0 written, 1 failed (the reason printed on `out.error`). */
export async function exportNeo4jCommand(configFile: string, outDir: string, out: ExportOutput): Promise<number> {
  let config;
  try {
    config = loadPipeline(configFile);
  } catch (err) {
    out.error((err as Error).message);
    return 1;
  }
  const url = config.store.url;
  if (!/^postgres(?:ql)?:\/\//.test(url)) {
    out.error(`export neo4j: store.url "${url}" is not a postgres:// URL (set DATABASE_URL; the embedded store is not supported by export yet)`);
    return 1;
  }
  const sql = connectStore(url, { pool: 2 });
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
    await sql.end({ timeout: 5 });
  }
}
