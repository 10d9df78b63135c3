/**
 * Cypher export: constraints, then parameterised `UNWIND $rows AS row MERGE …` batches. MERGE on the
 * node's uuid and on the relationship's key makes loading twice create nothing new.
 */
import type { NodeLabel } from '../types.ts';
import { NODE_LABELS, type Graph } from './model.ts';

export interface CypherBatch {
  id: string;
  statement: string;
  params: { rows: Array<Record<string, unknown>> };
}

const BATCH_SIZE = 500;

export function constraintStatements(): string[] {
  return NODE_LABELS.map((l) => `CREATE CONSTRAINT docpipe_${l.toLowerCase()}_uuid IF NOT EXISTS FOR (n:${l}) REQUIRE n.uuid IS UNIQUE`);
}

function nodeStatement(label: NodeLabel): string {
  return `UNWIND $rows AS row MERGE (n:${label} {uuid: row.uuid}) SET n += row.props`;
}

function relationshipStatement(type: string, fromLabel: NodeLabel, toLabel: NodeLabel): string {
  return `UNWIND $rows AS row MATCH (a:${fromLabel} {uuid: row.from}) MATCH (b:${toLabel} {uuid: row.to}) MERGE (a)-[r:${type} {key: row.key}]->(b) SET r += row.props`;
}

function chunked<T>(rows: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

export function cypherBatches(graph: Graph, batchSize = BATCH_SIZE): CypherBatch[] {
  const batches: CypherBatch[] = [];
  const push = (statement: string, rows: Array<Record<string, unknown>>) => {
    batches.push({ id: String(batches.length + 1).padStart(4, '0'), statement, params: { rows } });
  };
  for (const label of NODE_LABELS) {
    const rows = graph.nodes.filter((n) => n.label === label).map((n) => ({ uuid: n.id, props: n.properties }));
    for (const part of chunked(rows, batchSize)) push(nodeStatement(label), part);
  }
  const groups = new Map<string, Graph['relationships']>();
  for (const r of graph.relationships) {
    const g = `${r.type}|${r.fromLabel}|${r.toLabel}`;
    groups.set(g, [...(groups.get(g) ?? []), r]);
  }
  for (const g of [...groups.keys()].sort()) {
    const rels = groups.get(g)!;
    const first = rels[0]!;
    const rows = rels.map((r) => ({ key: r.key, from: r.fromId, to: r.toId, props: r.properties }));
    for (const part of chunked(rows, batchSize)) push(relationshipStatement(first.type, first.fromLabel, first.toLabel), part);
  }
  return batches;
}

/** The human-readable statements file: constraints, then each batch's statement with its params id. */
export function renderCypher(batches: readonly CypherBatch[], graph: Graph): string {
  const lines = [
    '// docpipe graph export (Neo4j 5). Parameters of each batch are in params.json under "batches" by id:',
    '// run each statement with {rows: batches[id].params.rows}. MERGE on uuid / key: loading twice adds nothing.',
    `// nodes: ${graph.nodes.length}, relationships: ${graph.relationships.length}, batches: ${batches.length}`,
    '',
    ...constraintStatements().map((s) => `${s};`),
    '',
  ];
  for (const b of batches) lines.push(`// batch ${b.id}: ${b.params.rows.length} rows`, `${b.statement};`, '');
  return lines.join('\n');
}

export function renderParams(batches: readonly CypherBatch[]): string {
  return JSON.stringify({ constraints: constraintStatements(), batches }, null, 1) + '\n';
}
