/**
 * Lawyer → party pairs. A LAWYER mention carrying `forParty` (the party's name as written) represents
 * that party; one carrying `forRole` represents every party of that role in the document (or, when no
 * party holds the exact role, every party on the same side). Without either, the text decides: a
 * lawyer followed by "on behalf of" / "counsel for" and a party mention, or by "counsel for Plaintiff".
 */
import { matchEntity, roleOf, sideOf, type GraphEntity, type GraphMention, type PartyRole } from './roles.ts';

export interface RoleHolder {
  entity: string;
  role: PartyRole;
}

export interface Representation {
  lawyer: GraphMention;
  party: string;
  /** The role the party holds in the document, when known. */
  role?: PartyRole;
  method: 'for-party' | 'for-role' | 'for-side' | 'text';
  /** The party mention the text named, for the text heuristic. */
  partyMention?: GraphMention;
}

const REPRESENTS =
  /^[\s,]*(?:Esq\.?|Esquire)?[\s,]*(?:\([^)]*\)\s*)?(?:on behalf of|counsel for|attorneys? for|advocates? for|representing|appearing for|for)\s+(?:(?:the\s+)?(?:plaintiffs?|defendants?|debtors?|creditors?|interested party|movants?|respondents?|petitioners?|appellants?|appellees?)[\s,]+)?$/i;
const ROLE_ONLY =
  /(?:on behalf of|counsel for|attorneys? for|advocates? for|representing|appearing for)\s+(?:the\s+)?(plaintiffs?|defendants?|debtors?|creditors?|appellants?|appellees?|petitioners?|respondents?|applicants?|complainants?|claimants?|accused)\b/i;

/** The parties a role names: the holders of that role, else the holders of a role on the same side. */
function partiesOfRole(role: PartyRole, holders: readonly RoleHolder[]): { parties: RoleHolder[]; exact: boolean } {
  const exact = holders.filter((h) => h.role === role);
  if (exact.length) return { parties: exact, exact: true };
  const side = sideOf(role);
  return { parties: side ? holders.filter((h) => sideOf(h.role) === side) : [], exact: false };
}

export function representations(
  mentions: readonly GraphMention[],
  chunkText: ReadonlyMap<string, string>,
  holders: readonly RoleHolder[],
  entities: readonly GraphEntity[],
): Representation[] {
  const out: Representation[] = [];
  const roleOfEntity = (uuid: string) => holders.find((h) => h.entity === uuid)?.role;
  const byRole = (lawyer: GraphMention, role: PartyRole, fromText: boolean) => {
    const { parties, exact } = partiesOfRole(role, holders);
    for (const p of parties)
      out.push({ lawyer, party: p.entity, role: p.role, method: fromText ? 'text' : exact ? 'for-role' : 'for-side' });
  };
  const byChunk = new Map<string, GraphMention[]>();
  for (const m of mentions) byChunk.set(m.chunkUuid, [...(byChunk.get(m.chunkUuid) ?? []), m]);
  for (const [chunkUuid, list] of [...byChunk].sort(([a], [b]) => a.localeCompare(b))) {
    const text = chunkText.get(chunkUuid) ?? '';
    const sorted = [...list].sort((a, b) => a.start - b.start || a.end - b.end);
    sorted.forEach((m, i) => {
      if ((m.type !== 'LAWYER' && m.type !== 'PERSON') || !m.canonicalUuid) return;
      if (m.type === 'LAWYER' && (m.forParty || m.forRole)) {
        const named = m.forParty ? matchEntity(m.forParty, entities, ['ORG', 'PERSON', 'OTHER']) : undefined;
        if (named) out.push({ lawyer: m, party: named.uuid, ...optionalRole(roleOfEntity(named.uuid)), method: 'for-party' });
        else if (roleOf(m.forRole)) byRole(m, roleOf(m.forRole)!, false);
        return;
      }
      const next = sorted.slice(i + 1).find((n) => n.start >= m.end && (n.type === 'ORG' || n.type === 'PERSON'));
      if (next?.canonicalUuid && next.start - m.end < 120 && REPRESENTS.test(text.slice(m.end, next.start))) {
        out.push({
          lawyer: m,
          party: next.canonicalUuid,
          ...optionalRole(roleOfEntity(next.canonicalUuid)),
          method: 'text',
          partyMention: next,
        });
        return;
      }
      const roleOnly = ROLE_ONLY.exec(text.slice(m.end, m.end + 60));
      const role = roleOnly ? roleOf(roleOnly[1]) : undefined;
      if (role && m.type === 'LAWYER') byRole(m, role, true);
    });
  }
  return out;
}

function optionalRole(role: PartyRole | undefined): { role?: PartyRole } {
  return role ? { role } : {};
}
