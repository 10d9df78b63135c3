/**
 * Party roles and sides: the role words ner records on party mentions (`metadata_json.role`), the
 * `parties`/`judges` of the document metadata (written by chunking; tolerated when absent), and the
 * document's canonical entity a name from the metadata denotes.
 */
import { normalizeName } from '../nlp/resolve/normalize.ts';
import { ACCEPT, scorePair } from '../nlp/resolve/score.ts';

export interface GraphEntity {
  uuid: string;
  type: string;
  name: string;
  normalized: string;
  /** The project-level entity this document entity joined (projects only), and how. */
  projectEntityUuid?: string;
  projectMatch?: { method: string; score: number; rule?: string };
}

export interface GraphMention {
  uuid: string;
  chunkUuid: string;
  canonicalUuid: string | null;
  type: string;
  start: number;
  end: number;
  method: string;
  value?: string;
  role?: string;
  /** LAWYER mentions: the role of the parties represented ("Advocate for Respondent Nos. 1 & 2" → respondent). */
  forRole?: string;
  /** LAWYER mentions: the represented party's name as written. */
  forParty?: string;
}

export const PARTY_ROLES = [
  'plaintiff',
  'defendant',
  'party',
  'debtor',
  'in-re',
  'appellant',
  'petitioner',
  'respondent',
  'creditor',
  'applicant',
  'appellee',
  'complainant',
  'accused',
  'claimant',
] as const;
export type PartyRole = (typeof PARTY_ROLES)[number];

/** Which side of the case a role is on: the side that brought it, the side that answers, or neither. */
export type Side = 'initiating' | 'responding';

const INITIATING = new Set<PartyRole>(['appellant', 'petitioner', 'plaintiff', 'debtor', 'applicant', 'complainant', 'claimant']);
const RESPONDING = new Set<PartyRole>(['respondent', 'defendant', 'creditor', 'appellee', 'accused']);

export function sideOf(role: PartyRole): Side | undefined {
  return INITIATING.has(role) ? 'initiating' : RESPONDING.has(role) ? 'responding' : undefined;
}

/** Other spellings of role words in text and metadata (plurals are handled by roleOf). */
const ROLE_ALIASES: Record<string, PartyRole> = { in_re: 'in-re', 'in re': 'in-re' };

/** The role a word denotes ("Respondents" → respondent), or undefined for a word that is no party role. */
export function roleOf(word: string | undefined): PartyRole | undefined {
  if (!word) return undefined;
  const w = word.trim().toLowerCase().replace(/\s+/g, ' ');
  const singular = w.endsWith('s') && !w.endsWith('ss') ? w.slice(0, -1) : w;
  for (const x of [w, singular]) {
    if ((PARTY_ROLES as readonly string[]).includes(x)) return x as PartyRole;
    if (x in ROLE_ALIASES) return ROLE_ALIASES[x];
  }
  return undefined;
}

export interface MetadataRoles {
  parties: Array<{ name: string; role: PartyRole }>;
  judges: string[];
}

/** Reads `parties` ([{name, role(s)}] or {role: [names]}) and `judges` ([names] or [{name}]) from metadata_json. */
export function metadataRoles(metadata: unknown): MetadataRoles {
  const out: MetadataRoles = { parties: [], judges: [] };
  if (!metadata || typeof metadata !== 'object') return out;
  const m = metadata as Record<string, unknown>;
  const nameOf = (x: unknown) =>
    typeof x === 'string'
      ? x
      : x && typeof x === 'object' && typeof (x as { name?: unknown }).name === 'string'
        ? (x as { name: string }).name
        : undefined;
  if (Array.isArray(m['parties'])) {
    for (const p of m['parties']) {
      const name = nameOf(p);
      const obj = p && typeof p === 'object' ? (p as { role?: unknown; roles?: unknown }) : {};
      const raws = [obj.role, ...(Array.isArray(obj.roles) ? obj.roles : [])].filter((r): r is string => typeof r === 'string');
      const role = raws.map(roleOf).find((r) => r !== undefined) ?? 'party';
      if (name) out.parties.push({ name, role });
    }
  } else if (m['parties'] && typeof m['parties'] === 'object') {
    for (const [roleRaw, names] of Object.entries(m['parties'] as Record<string, unknown>)) {
      for (const n of Array.isArray(names) ? names : [names]) {
        const name = nameOf(n);
        if (name) out.parties.push({ name, role: roleOf(roleRaw) ?? 'party' });
      }
    }
  }
  if (Array.isArray(m['judges']))
    for (const j of m['judges']) {
      const name = nameOf(j);
      if (name) out.judges.push(name);
    }
  return out;
}

/** The document's canonical entity a name denotes (same type family, accepted score), if any. */
export function matchEntity(name: string, entities: readonly GraphEntity[], types: readonly string[]): GraphEntity | undefined {
  let best: { e: GraphEntity; score: number } | undefined;
  for (const e of entities) {
    if (!types.includes(e.type)) continue;
    const s = scorePair(e.type, normalizeName(e.type, name), e.normalized).score;
    if (s >= ACCEPT && (!best || s > best.score || (s === best.score && e.uuid < best.e.uuid))) best = { e, score: s };
  }
  return best?.e;
}
