/**
 * Party roles the text supports: case-caption roles and contract parties recorded on mentions by ner,
 * `parties`/`judges` of the document metadata (written by chunking; tolerated when absent), judges,
 * and lawyers "on behalf of" / "counsel for" a party.
 */
import { normalizeName } from '../nlp/resolve/normalize.ts';
import { ACCEPT, scorePair } from '../nlp/resolve/score.ts';

export interface GraphEntity {
  uuid: string;
  type: string;
  name: string;
  normalized: string;
}

export interface GraphMention {
  uuid: string;
  chunkUuid: string;
  canonicalUuid: string | null;
  type: string;
  start: number;
  end: number;
  method: string;
  role?: string;
}

export type Role = 'plaintiff' | 'defendant' | 'party' | 'debtor' | 'in-re' | 'judge';

export interface MetadataRoles {
  parties: Array<{ name: string; role: Role }>;
  judges: string[];
}

const ROLE_WORDS: Record<string, Role> = {
  plaintiff: 'plaintiff', plaintiffs: 'plaintiff', petitioner: 'plaintiff', appellant: 'plaintiff', movant: 'plaintiff', claimant: 'plaintiff',
  defendant: 'defendant', defendants: 'defendant', respondent: 'defendant', appellee: 'defendant',
  debtor: 'debtor', party: 'party', 'in-re': 'in-re', in_re: 'in-re',
};

/** Reads `parties` ([{name, role}] or {role: [names]}) and `judges` ([names] or [{name}]) from metadata_json. */
export function metadataRoles(metadata: unknown): MetadataRoles {
  const out: MetadataRoles = { parties: [], judges: [] };
  if (!metadata || typeof metadata !== 'object') return out;
  const m = metadata as Record<string, unknown>;
  const nameOf = (x: unknown) => (typeof x === 'string' ? x : x && typeof x === 'object' && typeof (x as { name?: unknown }).name === 'string' ? (x as { name: string }).name : undefined);
  if (Array.isArray(m['parties'])) {
    for (const p of m['parties']) {
      const name = nameOf(p);
      const obj = p && typeof p === 'object' ? (p as { role?: unknown; roles?: unknown }) : {};
      const raws = [obj.role, ...(Array.isArray(obj.roles) ? obj.roles : [])].filter((r): r is string => typeof r === 'string').map((r) => r.toLowerCase());
      const role = raws.map((r) => ROLE_WORDS[r]).find((r) => r !== undefined) ?? 'party';
      if (name) out.parties.push({ name, role });
    }
  } else if (m['parties'] && typeof m['parties'] === 'object') {
    for (const [roleRaw, names] of Object.entries(m['parties'] as Record<string, unknown>)) {
      for (const n of Array.isArray(names) ? names : [names]) {
        const name = nameOf(n);
        if (name) out.parties.push({ name, role: ROLE_WORDS[roleRaw.toLowerCase()] ?? 'party' });
      }
    }
  }
  if (Array.isArray(m['judges'])) for (const j of m['judges']) { const name = nameOf(j); if (name) out.judges.push(name); }
  return out;
}

/** The document's canonical entity a metadata name denotes (same type family, accepted score), if any. */
export function matchEntity(name: string, entities: readonly GraphEntity[], types: readonly string[]): GraphEntity | undefined {
  let best: { e: GraphEntity; score: number } | undefined;
  for (const e of entities) {
    if (!types.includes(e.type)) continue;
    const s = scorePair(e.type, normalizeName(e.type, name), e.normalized).score;
    if (s >= ACCEPT && (!best || s > best.score)) best = { e, score: s };
  }
  return best?.e;
}

const REPRESENTS = /^[\s,]*(?:Esq\.?|Esquire)?[\s,]*(?:\([^)]*\)\s*)?(?:on behalf of|counsel for|attorneys? for|representing|appearing for|for)\s+(?:(?:the\s+)?(?:plaintiffs?|defendants?|debtors?|creditors?|interested party|movants?|respondents?|petitioners?)[\s,]+)?$/i;
const ROLE_ONLY = /(?:on behalf of|counsel for|attorneys? for|representing)\s+(?:the\s+)?(plaintiffs?|defendants?|debtors?)\b/i;

/**
 * Lawyer → party pairs from the chunk text: a LAWYER (or PERSON) mention followed by "on behalf of" /
 * "counsel for" and a party mention, or by "counsel for Plaintiff" (the caption's plaintiff).
 */
export function representations(
  mentions: readonly GraphMention[],
  chunkText: ReadonlyMap<string, string>,
  roleHolders: ReadonlyMap<Role, string[]>,
): Array<{ lawyer: GraphMention; party: string }> {
  const out: Array<{ lawyer: GraphMention; party: string }> = [];
  const byChunk = new Map<string, GraphMention[]>();
  for (const m of mentions) byChunk.set(m.chunkUuid, [...(byChunk.get(m.chunkUuid) ?? []), m]);
  for (const [chunkUuid, list] of byChunk) {
    const text = chunkText.get(chunkUuid) ?? '';
    const sorted = [...list].sort((a, b) => a.start - b.start);
    sorted.forEach((m, i) => {
      if ((m.type !== 'LAWYER' && m.type !== 'PERSON') || !m.canonicalUuid) return;
      const next = sorted.slice(i + 1).find((n) => n.start >= m.end && (n.type === 'ORG' || n.type === 'PERSON'));
      if (next?.canonicalUuid && next.start - m.end < 120 && REPRESENTS.test(text.slice(m.end, next.start))) {
        out.push({ lawyer: m, party: next.canonicalUuid });
        return;
      }
      const roleOnly = ROLE_ONLY.exec(text.slice(m.end, m.end + 60));
      if (roleOnly && m.type === 'LAWYER') {
        const role = ROLE_WORDS[(roleOnly[1] ?? '').toLowerCase()];
        for (const party of (role && roleHolders.get(role)) || []) out.push({ lawyer: m, party });
      }
    });
  }
  return out;
}
