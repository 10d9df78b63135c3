/** Builds a document's staged relationships from its chunks, mentions and canonical entities. Pure. */
import { matchEntity, metadataRoles, representations, type GraphEntity, type GraphMention, type Role } from './roles.ts';
import { relationshipKey, type NodeLabel, type RelationshipType, type StagedRelationship } from './types.ts';

export interface GraphChunk {
  uuid: string;
  index: number;
  text: string;
}

export interface DocumentGraphInput {
  documentUuid: string;
  projectUuid: string | null;
  metadata: unknown;
  chunks: readonly GraphChunk[];
  mentions: readonly GraphMention[];
  entities: readonly GraphEntity[];
}

const ROLE_EDGE: Record<Exclude<Role, 'judge'>, RelationshipType> = {
  plaintiff: 'PLAINTIFF_IN',
  defendant: 'DEFENDANT_IN',
  party: 'PARTY_TO',
  debtor: 'PARTY_TO',
  'in-re': 'PARTY_TO',
};

export function buildRelationships(input: DocumentGraphInput): StagedRelationship[] {
  const out = new Map<string, StagedRelationship>();
  const add = (
    type: RelationshipType, fromLabel: NodeLabel, fromId: string, toLabel: NodeLabel, toId: string,
    method: string, chunkUuid: string | null, properties: Record<string, string | number | boolean> = {},
  ) => {
    const key = relationshipKey(type, fromLabel, fromId, toLabel, toId);
    const prev = out.get(key);
    if (prev) {
      // the same edge supported twice: keep the first provenance, count the support
      prev.properties['support'] = Number(prev.properties['support'] ?? 1) + 1;
      return;
    }
    out.set(key, { key, documentUuid: input.documentUuid, fromId, fromLabel, toId, toLabel, type, properties: { ...properties }, chunkUuid, method });
  };
  const doc = input.documentUuid;
  const chunks = [...input.chunks].sort((a, b) => a.index - b.index);

  for (const c of chunks) add('PART_OF', 'Chunk', c.uuid, 'Document', doc, 'structure', c.uuid, { chunk_index: c.index });
  if (chunks[0]) add('FIRST_CHUNK', 'Document', doc, 'Chunk', chunks[0].uuid, 'structure', chunks[0].uuid);
  for (let i = 0; i + 1 < chunks.length; i++) add('NEXT_CHUNK', 'Chunk', chunks[i]!.uuid, 'Chunk', chunks[i + 1]!.uuid, 'structure', chunks[i]!.uuid);
  if (input.projectUuid) add('BELONGS_TO', 'Document', doc, 'Project', input.projectUuid, 'structure', null);

  const perChunkEntity = new Map<string, number>();
  for (const m of input.mentions) {
    if (!m.canonicalUuid) continue;
    add('MEMBER_OF_CLUSTER', 'EntityMention', m.uuid, 'CanonicalEntity', m.canonicalUuid, 'resolution', m.chunkUuid);
    const k = `${m.chunkUuid}\u0000${m.canonicalUuid}`;
    perChunkEntity.set(k, (perChunkEntity.get(k) ?? 0) + 1);
  }
  for (const [k, count] of [...perChunkEntity].sort(([a], [b]) => a.localeCompare(b))) {
    const [chunkUuid, entity] = k.split('\u0000') as [string, string];
    add('HAS_ENTITY', 'Chunk', chunkUuid, 'CanonicalEntity', entity, 'ner', chunkUuid, { mention_count: count });
  }

  // roles recorded on mentions by ner (case captions, contract preambles)
  const roleHolders = new Map<Role, string[]>();
  const entityTypes = new Map(input.entities.map((e) => [e.uuid, e.type]));
  for (const m of input.mentions) {
    if (!m.canonicalUuid || !m.role || !(m.role in ROLE_EDGE)) continue;
    const role = m.role as Exclude<Role, 'judge'>;
    add(ROLE_EDGE[role], 'CanonicalEntity', m.canonicalUuid, 'Document', doc, m.method === 'case-name' ? 'case-name' : 'text', m.chunkUuid, { role });
    roleHolders.set(role, [...new Set([...(roleHolders.get(role) ?? []), m.canonicalUuid])]);
  }
  for (const m of input.mentions) {
    if (m.type === 'JUDGE' && m.canonicalUuid && entityTypes.get(m.canonicalUuid) === 'JUDGE') {
      add('JUDGE_OF', 'CanonicalEntity', m.canonicalUuid, 'Document', doc, 'text', m.chunkUuid, { role: 'judge' });
    }
  }

  // roles from the document metadata, when the chunking stage found them
  const meta = metadataRoles(input.metadata);
  for (const p of meta.parties) {
    const e = matchEntity(p.name, input.entities, ['ORG', 'PERSON', 'OTHER']);
    if (!e) continue;
    const role = p.role === 'judge' ? 'party' : p.role;
    add(ROLE_EDGE[role], 'CanonicalEntity', e.uuid, 'Document', doc, 'metadata', null, { role });
    roleHolders.set(role, [...new Set([...(roleHolders.get(role) ?? []), e.uuid])]);
  }
  for (const j of meta.judges) {
    const e = matchEntity(j, input.entities, ['JUDGE', 'PERSON']);
    if (e) add('JUDGE_OF', 'CanonicalEntity', e.uuid, 'Document', doc, 'metadata', null, { role: 'judge' });
  }

  const chunkText = new Map(chunks.map((c) => [c.uuid, c.text]));
  for (const r of representations(input.mentions, chunkText, roleHolders)) {
    if (r.lawyer.canonicalUuid && r.lawyer.canonicalUuid !== r.party) {
      add('REPRESENTS', 'CanonicalEntity', r.lawyer.canonicalUuid, 'CanonicalEntity', r.party, 'text', r.lawyer.chunkUuid);
    }
  }
  return [...out.values()].sort((a, b) => a.key.localeCompare(b.key));
}
