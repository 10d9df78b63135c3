/** Writes the export: cypher/graph.cypher + cypher/params.json, and csv/*.csv. Same store, same bytes. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cypherBatches, renderCypher, renderParams } from './cypher.ts';
import { renderCsv } from './csv.ts';
import type { Graph } from './model.ts';

export interface ExportSummary {
  nodes: number;
  relationships: number;
  batches: number;
  files: string[];
  /** Relationships whose end nodes are not in the export (should be 0). */
  dangling: number;
}

function danglingRelationships(graph: Graph): number {
  const ids = new Set(graph.nodes.map((n) => `${n.label}:${n.id}`));
  return graph.relationships.filter((r) => !ids.has(`${r.fromLabel}:${r.fromId}`) || !ids.has(`${r.toLabel}:${r.toId}`)).length;
}

export function writeExport(graph: Graph, outDir: string): ExportSummary {
  const batches = cypherBatches(graph);
  const files = new Map<string, string>([
    ['cypher/graph.cypher', renderCypher(batches, graph)],
    ['cypher/params.json', renderParams(batches)],
    ...[...renderCsv(graph)].map(([name, text]) => [`csv/${name}`, text] as [string, string]),
  ]);
  for (const [name, text] of files) {
    const file = path.join(outDir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  return {
    nodes: graph.nodes.length,
    relationships: graph.relationships.length,
    batches: batches.length,
    files: [...files.keys()].sort(),
    dangling: danglingRelationships(graph),
  };
}
