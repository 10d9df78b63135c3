/**
 * Project-wide resolution, the store part: a document's canonical entities join the entities of its
 * project. Runs inside the resolution stage's transaction, under a transaction-level advisory lock on
 * the project, so two documents of one project resolved at the same moment join one after the other
 * and never create the same entity twice; the unique (project_id, entity_family, normalized_name)
 * index backs this up. A document entity already linked to an entity of its project keeps the link
 * (a re-run leaves the same rows); the others are matched (project.ts) or create a project entity
 * whose uuid is uuidv5(project uuid, family, normalised name), which never changes afterwards.
 */
import type postgres from 'postgres';
import { deterministicUuid } from '../ids.ts';
import { normalizeName } from './normalize.ts';
import { bestDisplayName, CandidateIndex, matchProjectEntity, typeFamily, type DocumentEntity, type ProjectCandidate, type ProjectMatch } from './project.ts';

export interface JoiningEntity extends DocumentEntity {
  canonicalUuid: string;
  /** Names as written (canonical name and aliases), defined terms ("Company") left out. */
  names: readonly string[];
}

interface ProjectRow {
  id: string;
  project_entity_uuid: string;
  entity_family: string;
  entity_type: string;
  normalized_name: string;
  canonical_name: string;
  name_keys: string[];
  aliases: string[];
}

interface Candidate extends ProjectCandidate {
  row: ProjectRow;
  keys: Set<string>;
  names: Set<string>;
}

export type StoredMatch = ProjectMatch | { method: 'new'; score: 1; matched: string };

export function projectEntityUuid(projectUuid: string, family: string, normalizedName: string): string {
  return deterministicUuid('project-entity', projectUuid, family, normalizedName);
}

/** The advisory lock key of a project's entities (one 64-bit key per project). */
export function projectLockKey(projectId: number): string {
  return `docpipe:project-entities:${projectId}`;
}

export async function joinProjectEntities(tx: postgres.TransactionSql, doc: { id: number; projectId: number | null }, entities: readonly JoiningEntity[]): Promise<{ joined: number; created: number }> {
  if (doc.projectId === null) {
    await tx`UPDATE neo4j_canonical_entities SET project_entity_id = NULL, project_entity_uuid = NULL, project_match = NULL WHERE document_id = ${doc.id} AND project_entity_id IS NOT NULL`;
    return { joined: 0, created: 0 };
  }
  await tx`SELECT pg_advisory_xact_lock(hashtextextended(${projectLockKey(doc.projectId)}, 0))`;
  const [project] = await tx<Array<{ project_uuid: string }>>`SELECT project_uuid FROM projects WHERE id = ${doc.projectId}`;
  if (!project) throw new Error(`project ${doc.projectId} does not exist`);
  const families = [...new Set(entities.map((e) => typeFamily(e.type)))];
  const rows = await tx<ProjectRow[]>`
    SELECT id, project_entity_uuid, entity_family, entity_type, normalized_name, canonical_name, name_keys, aliases
    FROM neo4j_project_entities WHERE project_id = ${doc.projectId} AND entity_family = ANY(${families}::text[]) ORDER BY id`;
  const index = new CandidateIndex();
  const byId = new Map<string, Candidate>();
  const toCandidate = (row: ProjectRow): Candidate => ({
    uuid: row.project_entity_uuid, family: row.entity_family, normalizedName: row.normalized_name, nameKeys: row.name_keys,
    row, keys: new Set(row.name_keys), names: new Set(row.aliases),
  });
  for (const row of rows) {
    const c = toCandidate(row);
    byId.set(row.id, c);
    index.add(c);
  }
  const links = new Map((await tx<Array<{ canonical_entity_uuid: string; project_entity_id: string | null; project_match: StoredMatch | null }>>`
    SELECT canonical_entity_uuid, project_entity_id, project_match FROM neo4j_canonical_entities WHERE document_id = ${doc.id}`).map((r) => [r.canonical_entity_uuid, r]));

  let created = 0;
  const touched = new Set<Candidate>();
  const updates: Array<{ uuid: string; id: string; projectEntityUuid: string; match: StoredMatch }> = [];
  const ordered = [...entities].sort((a, b) => typeFamily(a.type).localeCompare(typeFamily(b.type)) || a.normalizedName.localeCompare(b.normalizedName) || a.type.localeCompare(b.type));
  for (const e of ordered) {
    const family = typeFamily(e.type);
    const link = links.get(e.canonicalUuid);
    const kept = link?.project_entity_id ? byId.get(link.project_entity_id) : undefined;
    let candidate: Candidate;
    let match: StoredMatch;
    if (kept && kept.family === family && link?.project_match) {
      candidate = kept;
      match = link.project_match;
    } else {
      const found = matchProjectEntity(e, index.candidatesFor(e));
      if (found) {
        candidate = found.candidate as Candidate;
        match = { ...found.match };
      } else {
        const [row] = await tx<ProjectRow[]>`
          INSERT INTO neo4j_project_entities (project_entity_uuid, project_id, entity_family, entity_type, normalized_name, canonical_name, name_keys, aliases)
          VALUES (${projectEntityUuid(project.project_uuid, family, e.normalizedName)}, ${doc.projectId}, ${family}, ${e.type}, ${e.normalizedName},
                  ${e.names[0] ?? e.normalizedName}, ${tx.json([e.normalizedName])}, ${tx.json([...e.names])})
          ON CONFLICT (project_id, entity_family, normalized_name) DO UPDATE SET entity_family = EXCLUDED.entity_family
          RETURNING id, project_entity_uuid, entity_family, entity_type, normalized_name, canonical_name, name_keys, aliases`;
        candidate = byId.get(row!.id) ?? toCandidate(row!);
        if (!byId.has(row!.id)) {
          byId.set(row!.id, candidate);
          created++;
        }
        match = { method: 'new', score: 1, matched: e.normalizedName };
      }
    }
    // the project entity learns the names that joined it (new keys make later documents match)
    const before = candidate.keys.size + candidate.names.size;
    for (const k of [e.normalizedName, ...e.ownKeys, ...e.definedKeys]) candidate.keys.add(k);
    for (const n of e.names) candidate.names.add(n);
    if (candidate.keys.size + candidate.names.size !== before) {
      candidate.nameKeys = [...candidate.keys].sort();
      touched.add(candidate);
    }
    index.add(candidate);
    updates.push({ uuid: e.canonicalUuid, id: candidate.row.id, projectEntityUuid: candidate.uuid, match });
  }

  for (const c of touched) {
    const aliases = [...c.names].sort();
    const keys = [...c.keys].sort();
    const name = bestDisplayName(aliases, (n) => normalizeName(c.row.entity_type, n)) || c.row.canonical_name;
    await tx`
      UPDATE neo4j_project_entities SET name_keys = ${tx.json(keys)}, aliases = ${tx.json(aliases)}, canonical_name = ${name}, updated_at = now()
      WHERE id = ${c.row.id} AND (name_keys IS DISTINCT FROM ${tx.json(keys)}::jsonb OR aliases IS DISTINCT FROM ${tx.json(aliases)}::jsonb OR canonical_name IS DISTINCT FROM ${name})`;
  }
  for (const u of updates) {
    const match = JSON.parse(JSON.stringify(u.match)) as Parameters<typeof tx.json>[0];
    await tx`
      UPDATE neo4j_canonical_entities SET project_entity_id = ${u.id}, project_entity_uuid = ${u.projectEntityUuid}, project_match = ${tx.json(match)}
      WHERE canonical_entity_uuid = ${u.uuid}
        AND (project_entity_id IS DISTINCT FROM ${u.id}::bigint OR project_match IS DISTINCT FROM ${tx.json(match)}::jsonb)`;
  }
  return { joined: updates.length - created, created };
}
