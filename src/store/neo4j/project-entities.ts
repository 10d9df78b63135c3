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
import { deterministicUuid } from '../../nlp/ids.ts';
import { normalizeName } from '../../nlp/resolve/normalize.ts';
import {
  bestDisplayName,
  CandidateIndex,
  matchProjectEntity,
  typeFamily,
  type DocumentEntity,
  type ProjectCandidate,
  type ProjectMatch,
} from '../../nlp/resolve/project.ts';

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

/**
 * The anchor of a new project entity: its normalised name, unless an entity it could not join (two
 * different full names sharing a form, e.g. "John Q. Smith" and "John R. Smith" both seen as "John
 * Smith") holds it; then its longest other name, then the name marked with its document entity.
 */
export function freeAnchor(e: JoiningEntity, family: string, taken: ReadonlySet<string>): string {
  const options = [e.normalizedName, ...[...e.ownKeys].sort((a, b) => b.length - a.length || a.localeCompare(b))];
  return options.find((k) => !taken.has(`${family}|${k}`)) ?? `${e.normalizedName} #${e.canonicalUuid.slice(0, 8)}`;
}

/** The advisory lock key of a project's entities (one 64-bit key per project). */
export function projectLockKey(projectId: number): string {
  return `docpipe:project-entities:${projectId}`;
}

export async function joinProjectEntities(
  tx: postgres.TransactionSql,
  doc: { id: number; projectId: number | null },
  entities: readonly JoiningEntity[],
): Promise<{ joined: number; created: number }> {
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
    uuid: row.project_entity_uuid,
    family: row.entity_family,
    normalizedName: row.normalized_name,
    nameKeys: row.name_keys,
    row,
    keys: new Set(row.name_keys),
    names: new Set(row.aliases),
  });
  for (const row of rows) {
    const c = toCandidate(row);
    byId.set(row.id, c);
    index.add(c);
  }
  const previous = new Map(
    (
      await tx<Array<{ canonical_entity_uuid: string; project_entity_id: string | null; project_match: StoredMatch | null }>>`
    SELECT canonical_entity_uuid, project_entity_id, project_match FROM neo4j_canonical_entities WHERE document_id = ${doc.id}`
    ).map((r) => [r.canonical_entity_uuid, r]),
  );

  const taken = new Set(rows.map((r) => `${r.entity_family}|${r.normalized_name}`));
  const fresh = new Set<Candidate>();
  const touched = new Set<Candidate>();
  const links: Array<{ uuid: string; project_entity_uuid: string; project_match: StoredMatch }> = [];
  const ordered = [...entities].sort(
    (a, b) =>
      typeFamily(a.type).localeCompare(typeFamily(b.type)) ||
      a.normalizedName.localeCompare(b.normalizedName) ||
      a.type.localeCompare(b.type),
  );
  for (const e of ordered) {
    const family = typeFamily(e.type);
    const link = previous.get(e.canonicalUuid);
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
        // created at the end, in one statement; later entities of this document can already join it
        const anchor = freeAnchor(e, family, taken);
        taken.add(`${family}|${anchor}`);
        candidate = toCandidate({
          id: '',
          project_entity_uuid: projectEntityUuid(project.project_uuid, family, anchor),
          entity_family: family,
          entity_type: e.type,
          normalized_name: anchor,
          canonical_name: e.names[0] ?? e.normalizedName,
          name_keys: [],
          aliases: [],
        });
        fresh.add(candidate);
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
    links.push({ uuid: e.canonicalUuid, project_entity_uuid: candidate.uuid, project_match: match });
  }

  const rowOf = (c: Candidate) => {
    const aliases = [...c.names].sort();
    return {
      project_entity_uuid: c.uuid,
      project_id: doc.projectId,
      entity_family: c.family,
      entity_type: c.row.entity_type,
      normalized_name: c.normalizedName,
      canonical_name: bestDisplayName(aliases, (n) => normalizeName(c.row.entity_type, n)) || c.row.canonical_name,
      name_keys: [...c.keys].sort(),
      aliases,
    };
  };
  const inserts = [...fresh].map(rowOf);
  for (let i = 0; i < inserts.length; i += 500) {
    // the project lock makes a conflict impossible; the unique index would turn a duplicate into an error, never a second row
    await tx`INSERT INTO neo4j_project_entities ${tx(inserts.slice(i, i + 500).map((r) => ({ ...r, name_keys: tx.json(r.name_keys), aliases: tx.json(r.aliases) })))}`;
  }
  const changed = [...touched].filter((c) => !fresh.has(c)).map(rowOf);
  if (changed.length) {
    await tx`
      UPDATE neo4j_project_entities p SET name_keys = u.name_keys, aliases = u.aliases, canonical_name = u.canonical_name, updated_at = now()
      FROM jsonb_to_recordset(${tx.json(changed)}::jsonb) AS u(project_entity_uuid uuid, name_keys jsonb, aliases jsonb, canonical_name text)
      WHERE p.project_entity_uuid = u.project_entity_uuid
        AND (p.name_keys IS DISTINCT FROM u.name_keys OR p.aliases IS DISTINCT FROM u.aliases OR p.canonical_name IS DISTINCT FROM u.canonical_name)`;
  }
  if (links.length) {
    await tx`
      UPDATE neo4j_canonical_entities c SET project_entity_id = p.id, project_entity_uuid = p.project_entity_uuid, project_match = u.project_match
      FROM jsonb_to_recordset(${tx.json(JSON.parse(JSON.stringify(links)) as Parameters<typeof tx.json>[0])}::jsonb) AS u(uuid uuid, project_entity_uuid uuid, project_match jsonb)
      JOIN neo4j_project_entities p ON p.project_entity_uuid = u.project_entity_uuid
      WHERE c.canonical_entity_uuid = u.uuid AND (c.project_entity_id IS DISTINCT FROM p.id OR c.project_match IS DISTINCT FROM u.project_match)`;
  }
  return { joined: links.length - fresh.size, created: fresh.size };
}
