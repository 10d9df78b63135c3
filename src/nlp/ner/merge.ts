/**
 * Overlap resolution: one mention per span. The policy, in order:
 *
 * 1. Boundaries both support. A rule span and a statistical span (the LLM's or the trained model's)
 *    that overlap, where the statistical span contains the rule's and extends it only over name words
 *    on the same line ("Bureau of Fair" + "Bureau of Fair Competition"), and whose types agree (the
 *    same type; JUDGE or LAWYER over PERSON; COURT over ORG): the rule mention takes the longer span,
 *    keeping its type, method and role.
 * 2. A rule span that runs over a line break while a statistical span of an agreeing type inside it
 *    does not (a list of names, one per line): the rule mention is dropped, the statistical span stays.
 * 3. The same span typed PERSON / ORG / LOCATION differently by a generic rule and by the LLM: the
 *    LLM's type wins (it read the sentence), the rule's role is kept. The trained model does not retype
 *    rules.
 * 4. Otherwise by rank: case-name > defined-term > rules = gazetteer > llm > model > wink > compromise,
 *    then the longer span, then the mention that carries a role or whom a lawyer acts for, then position.
 */
import { NOT_NAME_START } from './gazetteers.ts';
import type { EntityType, Mention, MentionMethod } from './types.ts';

const RANK: Record<MentionMethod, number> = {
  'case-name': 6,
  'defined-term': 5,
  rules: 4,
  gazetteer: 4,
  llm: 3,
  model: 2.5,
  wink: 2,
  compromise: 1,
};

const GENERIC: ReadonlySet<EntityType> = new Set(['PERSON', 'ORG', 'LOCATION']);
const RULE_METHODS: ReadonlySet<MentionMethod> = new Set(['rules', 'case-name', 'gazetteer']);
const STATISTICAL: ReadonlySet<MentionMethod> = new Set(['llm', 'model']);

export function overlaps(a: { start: number; end: number }, b: { start: number; end: number }): boolean {
  return a.start < b.end && b.start < a.end;
}

/** The rule's type accepts the statistical span's type for the same name. */
function typesAgree(rule: EntityType, statistical: EntityType): boolean {
  if (rule === statistical) return true;
  if (statistical === 'PERSON') return rule === 'JUDGE' || rule === 'LAWYER';
  if (statistical === 'ORG') return rule === 'COURT';
  return false;
}

/** Text a longer span adds around a name: capitalised words, initials and connectors on one line. */
const NAME_EXTENSION = /^(?:[ \t\u00a0]*(?:[A-Z][\w&'’.-]*|of|and|for|the|de|du|la|del|von|van|on|&|[,.'’-]))*[ \t\u00a0]*$/;

/** Capitalised words that are cues or roles, never part of a name ("Versus", "Petitioner", "Mr."). */
function namesOnly(extension: string): boolean {
  if (!NAME_EXTENSION.test(extension)) return false;
  return extension
    .split(/[\s,]+/)
    .every((w) => !w || !/^[A-Z]/.test(w) || (!NOT_NAME_START.has(w) && !NOT_NAME_START.has(w.replace(/[.:]$/, ''))));
}

function extendsOverNames(rule: Mention, outer: Mention): boolean {
  if (outer.start > rule.start || outer.end < rule.end || (outer.start === rule.start && outer.end === rule.end)) return false;
  return namesOnly(outer.value.slice(0, rule.start - outer.start)) && namesOnly(outer.value.slice(rule.end - outer.start));
}

function metaWeight(m: Mention): number {
  return m.meta?.role || m.meta?.forRole || m.meta?.forParty ? 1 : 0;
}

/** Applies policy 1-3 to the candidates before they are ranked. */
function reconcile(mentions: readonly Mention[]): Mention[] {
  const statistical = mentions.filter((m) => STATISTICAL.has(m.method) && GENERIC.has(m.type));
  if (statistical.length === 0) return [...mentions];
  const out: Mention[] = [];
  for (const m of mentions) {
    if (!RULE_METHODS.has(m.method)) {
      out.push(m);
      continue;
    }
    const near = statistical.filter((s) => overlaps(s, m) && typesAgree(m.type, s.type));
    const outer = near.filter((s) => extendsOverNames(m, s)).sort((a, b) => b.end - b.start - (a.end - a.start))[0];
    if (outer) {
      out.push({ ...m, start: outer.start, end: outer.end, value: outer.value });
      continue;
    }
    if (GENERIC.has(m.type) && /\n/.test(m.value) && near.some((s) => s.start >= m.start && s.end <= m.end && !/\n/.test(s.value)))
      continue;
    const retype = GENERIC.has(m.type)
      ? mentions.find((s) => s.method === 'llm' && s.start === m.start && s.end === m.end && GENERIC.has(s.type) && s.type !== m.type)
      : undefined;
    out.push(retype ? { ...m, type: retype.type } : m);
  }
  return out;
}

/** Keeps a set of non-overlapping mentions, sorted by position. */
export function resolveOverlaps(mentions: readonly Mention[]): Mention[] {
  const ranked = reconcile(mentions).sort(
    (a, b) =>
      RANK[b.method] - RANK[a.method] ||
      b.end - b.start - (a.end - a.start) ||
      metaWeight(b) - metaWeight(a) ||
      a.start - b.start ||
      a.type.localeCompare(b.type),
  );
  const kept: Mention[] = [];
  for (const m of ranked) {
    if (!kept.some((k) => overlaps(k, m))) kept.push(m);
  }
  return kept.sort((a, b) => a.start - b.start || a.end - b.end);
}
