/**
 * Builds a document's staged relationships from its chunks, mentions and canonical entities. Pure.
 * Every edge carries its provenance: the chunk, the span of the mention it comes from (`span_start`,
 * `span_end`, offsets in that chunk), the uuids of its mentions, and the method that found it.
 */
import { documentCases, documentCourt } from './cases.ts';
import { representations, type RoleHolder } from './represents.ts';
import { matchEntity, metadataRoles, roleOf, sideOf, type GraphEntity, type GraphMention, type PartyRole } from './roles.ts';
import { relationshipKey, type NodeLabel, type RelationshipType, type StagedProperty, type StagedRelationship } from './types.ts';

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

type Properties = Record<string, StagedProperty>;

/** Plaintiffs and defendants keep their own edge types; every other party role is PARTY_TO. All carry `role` and `side`. */
function roleEdge(role: PartyRole): RelationshipType {
  return role === 'plaintiff' ? 'PLAINTIFF_IN' : role === 'defendant' ? 'DEFENDANT_IN' : 'PARTY_TO';
}

function roleProperties(role: PartyRole | undefined): Properties {
  if (!role) return {};
  const side = sideOf(role);
  return side ? { role, side } : { role };
}

/** Provenance of an edge read from mentions: the first mention's span, every mention's uuid. */
function provenance(...mentions: Array<GraphMention | undefined>): Properties {
  const ms = mentions.filter((m): m is GraphMention => m !== undefined);
  if (!ms[0]) return {};
  return { span_start: ms[0].start, span_end: ms[0].end, mention_uuids: ms.map((m) => m.uuid) };
}

export function buildRelationships(input: DocumentGraphInput): StagedRelationship[] {
  const out = new Map<string, StagedRelationship>();
  const add = (
    type: RelationshipType,
    fromLabel: NodeLabel,
    fromId: string,
    toLabel: NodeLabel,
    toId: string,
    method: string,
    chunkUuid: string | null,
    properties: Properties = {},
  ) => {
    const key = relationshipKey(type, fromLabel, fromId, toLabel, toId);
    const prev = out.get(key);
    if (prev) {
      // the same edge supported twice: keep the first provenance, count the support
      prev.properties['support'] = Number(prev.properties['support'] ?? 1) + 1;
      return;
    }
    out.set(key, {
      key,
      documentUuid: input.documentUuid,
      fromId,
      fromLabel,
      toId,
      toLabel,
      type,
      properties: { ...properties },
      chunkUuid,
      method,
    });
  };
  const doc = input.documentUuid;
  const chunks = [...input.chunks].sort((a, b) => a.index - b.index);

  for (const c of chunks) add('PART_OF', 'Chunk', c.uuid, 'Document', doc, 'structure', c.uuid, { chunk_index: c.index });
  if (chunks[0]) add('FIRST_CHUNK', 'Document', doc, 'Chunk', chunks[0].uuid, 'structure', chunks[0].uuid);
  for (let i = 0; i + 1 < chunks.length; i++)
    add('NEXT_CHUNK', 'Chunk', chunks[i]!.uuid, 'Chunk', chunks[i + 1]!.uuid, 'structure', chunks[i]!.uuid);
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
  // each document entity joined a project entity (projects only): how, and with what score
  for (const e of input.entities) {
    if (!e.projectEntityUuid) continue;
    const match = e.projectMatch
      ? { match: e.projectMatch.method, score: e.projectMatch.score, ...(e.projectMatch.rule ? { rule: e.projectMatch.rule } : {}) }
      : {};
    add('RESOLVES_TO', 'CanonicalEntity', e.uuid, 'ProjectEntity', e.projectEntityUuid, 'project-resolution', null, match);
  }

  // roles recorded on mentions by ner (case captions, contract preambles), then from the document metadata
  const holders: RoleHolder[] = [];
  const hold = (entity: string, role: PartyRole) => {
    if (!holders.some((h) => h.entity === entity && h.role === role)) holders.push({ entity, role });
  };
  const entityTypes = new Map(input.entities.map((e) => [e.uuid, e.type]));
  const stable = [...input.mentions].sort((a, b) => a.uuid.localeCompare(b.uuid));
  for (const m of stable) {
    const role = roleOf(m.role);
    if (!m.canonicalUuid || !role) continue;
    add(roleEdge(role), 'CanonicalEntity', m.canonicalUuid, 'Document', doc, m.method === 'case-name' ? 'case-name' : 'text', m.chunkUuid, {
      ...roleProperties(role),
      ...provenance(m),
    });
    hold(m.canonicalUuid, role);
  }
  const meta = metadataRoles(input.metadata);
  for (const p of meta.parties) {
    const e = matchEntity(p.name, input.entities, ['ORG', 'PERSON', 'OTHER']);
    if (!e) continue;
    add(roleEdge(p.role), 'CanonicalEntity', e.uuid, 'Document', doc, 'metadata', null, roleProperties(p.role));
    hold(e.uuid, p.role);
  }

  const judges: Array<{ entity: string; mention?: GraphMention }> = [];
  for (const m of stable) {
    if (m.type !== 'JUDGE' || !m.canonicalUuid || entityTypes.get(m.canonicalUuid) !== 'JUDGE') continue;
    add('JUDGE_OF', 'CanonicalEntity', m.canonicalUuid, 'Document', doc, 'text', m.chunkUuid, { role: 'judge', ...provenance(m) });
    judges.push({ entity: m.canonicalUuid, mention: m });
  }
  for (const j of meta.judges) {
    const e = matchEntity(j, input.entities, ['JUDGE', 'PERSON']);
    if (!e) continue;
    add('JUDGE_OF', 'CanonicalEntity', e.uuid, 'Document', doc, 'metadata', null, { role: 'judge' });
    judges.push({ entity: e.uuid });
  }

  // the document's case: the judges preside over it, it was filed in the document's court
  const chunkIndex = new Map(chunks.map((c) => [c.uuid, c.index]));
  const chunkText = new Map(chunks.map((c) => [c.uuid, c.text]));
  const cases = documentCases(input.projectUuid ?? doc, input.mentions, chunkIndex, chunkText, input.metadata);
  const court = documentCourt(input.mentions, chunkIndex, input.entities, input.metadata);
  for (const c of cases) {
    const how = c.mention ? 'text' : 'metadata';
    add('IN_CASE', 'Document', doc, 'Case', c.uuid, how, c.mention?.chunkUuid ?? null, {
      case_number: c.number,
      text: c.text,
      ...provenance(c.mention),
    });
    for (const j of judges)
      add(
        'PRESIDES_OVER',
        'CanonicalEntity',
        j.entity,
        'Case',
        c.uuid,
        j.mention ? 'text' : 'metadata',
        j.mention?.chunkUuid ?? null,
        provenance(j.mention, c.mention),
      );
    if (court)
      add(
        'FILED_IN',
        'Case',
        c.uuid,
        'CanonicalEntity',
        court.entity,
        court.mention ? 'text' : 'metadata',
        court.mention?.chunkUuid ?? null,
        provenance(court.mention, c.mention),
      );
  }

  for (const r of representations(input.mentions, chunkText, holders, input.entities)) {
    if (!r.lawyer.canonicalUuid || r.lawyer.canonicalUuid === r.party) continue;
    add('REPRESENTS', 'CanonicalEntity', r.lawyer.canonicalUuid, 'CanonicalEntity', r.party, r.method, r.lawyer.chunkUuid, {
      ...roleProperties(r.role),
      ...provenance(r.lawyer, r.partyMention),
    });
  }
  return [...out.values()].sort((a, b) => a.key.localeCompare(b.key));
}
