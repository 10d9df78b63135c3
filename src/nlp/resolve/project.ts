/**
 * Project-wide resolution, the pure part: does a document's canonical entity denote one of the
 * project's entities, and by which rule. Same type family only; an exact normalised name, a shared
 * name (alias), a defined term's full name, an abbreviation (acronym, short name, initials, surname)
 * or a similarity score at or above ACCEPT. An abbreviation that fits several project entities
 * decides nothing, and two different full names never join (as within a document, cluster.ts).
 */
import { blockKeys, isFull } from './cluster.ts';
import { ACCEPT, scorePair } from './score.ts';
import { coreTokens, tokens } from './similarity.ts';

export type ProjectMatchMethod = 'exact' | 'alias' | 'defined-term' | 'abbreviation' | 'score';

export interface ProjectMatch {
  method: ProjectMatchMethod;
  score: number;
  /** The scoring rule (score.ts) for abbreviation and score matches. */
  rule?: string;
  /** The project entity's name that matched. */
  matched: string;
}

/** A document's canonical entity, with the normalised names its mentions gave it. */
export interface DocumentEntity {
  type: string;
  normalizedName: string;
  /** Normalised names of its own mentions. */
  ownKeys: readonly string[];
  /** Full names its defined terms stand for ("Company" → "acme holdings inc"). */
  definedKeys: readonly string[];
}

export interface ProjectCandidate {
  uuid: string;
  family: string;
  /** The anchor (the normalised name the entity was created with). */
  normalizedName: string;
  nameKeys: readonly string[];
}

const FAMILY: Record<string, string> = { PERSON: 'person', JUDGE: 'person', LAWYER: 'person', ORG: 'org', OTHER: 'org' };
/** The type whose scoring rules apply to a family. */
const SCORING_TYPE: Record<string, string> = { person: 'PERSON', org: 'ORG' };
const ABBREVIATIONS = new Set(['acronym', 'short-name', 'initials', 'surname']);
const RANK: Record<ProjectMatchMethod, number> = { exact: 0, alias: 1, 'defined-term': 2, abbreviation: 3, score: 4 };

export function typeFamily(type: string): string {
  return FAMILY[type] ?? type.toLowerCase();
}

function scoringType(family: string, type: string): string {
  return SCORING_TYPE[family] ?? type;
}

function keysOf(e: DocumentEntity): string[] {
  return [...new Set([e.normalizedName, ...e.ownKeys, ...e.definedKeys])].sort();
}

function allKeys(c: ProjectCandidate): string[] {
  return [...new Set([c.normalizedName, ...c.nameKeys])].sort();
}

/** Every full name of one side agrees with every full name of the other. */
function compatible(type: string, a: readonly string[], b: readonly string[]): boolean {
  const A = a.filter((k) => isFull(type, k));
  const B = b.filter((k) => isFull(type, k));
  return A.every((x) => B.every((y) => scorePair(type, x, y).score >= ACCEPT));
}

/** How `e` matches one candidate, or undefined. */
function matchCandidate(e: DocumentEntity, c: ProjectCandidate): (ProjectMatch & { uniqueOnly: boolean }) | undefined {
  const family = typeFamily(e.type);
  if (c.family !== family) return undefined;
  const type = scoringType(family, e.type);
  const mine = keysOf(e);
  const theirs = allKeys(c);
  if (!compatible(type, mine, theirs)) return undefined;
  const definedOnly = (k: string) => e.definedKeys.includes(k) && !e.ownKeys.includes(k);
  if (e.normalizedName === c.normalizedName)
    return { method: definedOnly(e.normalizedName) ? 'defined-term' : 'exact', score: 1, matched: c.normalizedName, uniqueOnly: false };
  const shared = mine.filter((k) => theirs.includes(k));
  const own = shared.find((k) => !definedOnly(k));
  if (own !== undefined) return { method: 'alias', score: 1, matched: own, uniqueOnly: false };
  if (shared[0] !== undefined) return { method: 'defined-term', score: 1, matched: shared[0], uniqueOnly: false };
  let best: (ProjectMatch & { uniqueOnly: boolean }) | undefined;
  for (const a of mine) {
    for (const b of theirs) {
      const s = scorePair(type, a, b);
      if (s.score < ACCEPT || (best && s.score <= best.score)) continue;
      const method = ABBREVIATIONS.has(s.rule) ? 'abbreviation' : 'score';
      best = { method, score: Math.round(s.score * 1000) / 1000, rule: s.rule, matched: b, uniqueOnly: s.uniqueOnly === true };
    }
  }
  return best;
}

/**
 * The project entity `e` joins, if any: the best match (exact, alias, defined term, abbreviation,
 * score; then the higher score; then the smaller uuid). An abbreviation or surname that also matches
 * another project entity is ambiguous: no match.
 */
export function matchProjectEntity(
  e: DocumentEntity,
  candidates: readonly ProjectCandidate[],
): { candidate: ProjectCandidate; match: ProjectMatch } | undefined {
  const found: Array<{ candidate: ProjectCandidate; match: ProjectMatch & { uniqueOnly: boolean } }> = [];
  for (const c of candidates) {
    const match = matchCandidate(e, c);
    if (match) found.push({ candidate: c, match });
  }
  found.sort(
    (x, y) =>
      RANK[x.match.method] - RANK[y.match.method] || y.match.score - x.match.score || x.candidate.uuid.localeCompare(y.candidate.uuid),
  );
  const best = found[0];
  if (!best || (best.match.uniqueOnly && found.length > 1)) return undefined;
  const { uniqueOnly: _, ...match } = best.match;
  return { candidate: best.candidate, match };
}

/** Candidates sharing a blocking key (a word, the initials) with one of the entity's names: the only ones worth scoring. */
export class CandidateIndex {
  private byBlock = new Map<string, Set<ProjectCandidate>>();

  add(c: ProjectCandidate): void {
    for (const k of allKeys(c)) {
      for (const b of [`k:${k}`, ...blockKeys(scoringType(c.family, c.family.toUpperCase()), k)]) {
        const set = this.byBlock.get(`${c.family}|${b}`) ?? new Set<ProjectCandidate>();
        set.add(c);
        this.byBlock.set(`${c.family}|${b}`, set);
      }
    }
  }

  candidatesFor(e: DocumentEntity): ProjectCandidate[] {
    const family = typeFamily(e.type);
    const out = new Set<ProjectCandidate>();
    for (const k of keysOf(e)) {
      for (const b of [`k:${k}`, ...blockKeys(scoringType(family, e.type), k)])
        for (const c of this.byBlock.get(`${family}|${b}`) ?? []) out.add(c);
    }
    return [...out];
  }
}

/** The display name of a project entity among the names that joined it: the fullest, not shouted, the longest, then the first in order. */
export function bestDisplayName(names: readonly string[], normalize: (name: string) => string): string {
  const rank = (n: string) => {
    const key = normalize(n);
    return [coreTokens(key).length, tokens(key).length, n !== n.toUpperCase() ? 1 : 0, n.length];
  };
  let best: { name: string; r: number[] } | undefined;
  for (const n of [...new Set(names)].sort()) {
    const r = rank(n);
    const diff = best ? r.findIndex((v, i) => v !== best!.r[i]) : 0;
    if (!best || (diff >= 0 && r[diff]! > best.r[diff]!)) best = { name: n, r };
  }
  return best?.name ?? '';
}
