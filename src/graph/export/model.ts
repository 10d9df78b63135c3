/** The exported graph: nodes with a stable id per label and relationships with a stable key. */
import type { NodeLabel, RelationshipType } from '../types.ts';

export type PropertyValue = string | number | boolean | string[];

export interface GraphNode {
  label: NodeLabel;
  /** Stable id (a uuid); MERGE key in Cypher, :ID in CSV. */
  id: string;
  properties: Record<string, PropertyValue>;
}

export interface GraphRelationship {
  key: string;
  type: RelationshipType;
  fromLabel: NodeLabel;
  fromId: string;
  toLabel: NodeLabel;
  toId: string;
  properties: Record<string, PropertyValue>;
}

export interface Graph {
  nodes: GraphNode[];
  relationships: GraphRelationship[];
}

export const NODE_LABELS: readonly NodeLabel[] = [
  'Project',
  'ProjectEntity',
  'Case',
  'Document',
  'Chunk',
  'CanonicalEntity',
  'EntityMention',
];

/** Neo4j properties are primitives or arrays of them: nested values become JSON strings, nulls are dropped. */
export function toProperties(raw: Record<string, unknown>): Record<string, PropertyValue> {
  const out: Record<string, PropertyValue> = {};
  for (const k of Object.keys(raw).sort()) {
    const v = raw[k];
    if (v === null || v === undefined) continue;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) out[k] = v as string[];
    else out[k] = JSON.stringify(v);
  }
  return out;
}

/** Nodes sorted by label then id, relationships by key: the same store gives the same files. */
export function sortGraph(graph: Graph): Graph {
  const labelOrder = (l: NodeLabel) => NODE_LABELS.indexOf(l);
  return {
    nodes: [...graph.nodes].sort((a, b) => labelOrder(a.label) - labelOrder(b.label) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    relationships: [...graph.relationships].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
  };
}
