/** The staged graph: node labels, relationship types and the rows of neo4j_relationships_staging. */

export type NodeLabel = 'Document' | 'Chunk' | 'EntityMention' | 'CanonicalEntity' | 'Project' | 'ProjectEntity' | 'Case';

export type RelationshipType =
  | 'PART_OF'
  | 'FIRST_CHUNK'
  | 'NEXT_CHUNK'
  | 'HAS_ENTITY'
  | 'MEMBER_OF_CLUSTER'
  | 'BELONGS_TO'
  | 'PLAINTIFF_IN'
  | 'DEFENDANT_IN'
  | 'JUDGE_OF'
  | 'REPRESENTS'
  | 'PARTY_TO'
  | 'IN_CASE'
  | 'PRESIDES_OVER'
  | 'FILED_IN'
  | 'RESOLVES_TO';

export type StagedProperty = string | number | boolean | string[];

export interface StagedRelationship {
  key: string;
  documentUuid: string;
  fromId: string;
  fromLabel: NodeLabel;
  toId: string;
  toLabel: NodeLabel;
  type: RelationshipType;
  properties: Record<string, StagedProperty>;
  chunkUuid: string | null;
  method: string;
}

/** The stable key of a relationship: the same edge always has the same key (idempotent staging and MERGE). */
export function relationshipKey(type: RelationshipType, fromLabel: NodeLabel, fromId: string, toLabel: NodeLabel, toId: string): string {
  return `${type}:${fromLabel}:${fromId}->${toLabel}:${toId}`;
}
