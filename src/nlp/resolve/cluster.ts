/**
 * Clustering of a document's mentions into canonical entities, within each type: names are grouped by
 * normalised key, candidate pairs come from blocking (shared words, initials), pairs are scored
 * (score.ts) and merged best-first unless two different full names would end up together.
 */
import { ACCEPT, AMBIGUOUS, scorePair, type PairScore } from './score.ts';
import { coreTokens, tokens } from './similarity.ts';

export interface ResolvableMention {
  id: number;
  type: string;
  value: string;
  /** The name this mention counts for: its own normalised value, or its defined term's full name. */
  key: string;
  /** Set for defined-term mentions ("Company" standing for "I-many, Inc."). */
  definedTerm?: boolean;
}

export interface MergeStep {
  alias: string;
  into: string;
  rule: string;
  score: number;
}

export interface CanonicalCluster {
  type: string;
  canonicalName: string;
  normalizedName: string;
  aliases: string[];
  mentionIds: number[];
  confidence: number;
  explanation: MergeStep[];
}

/** Asks an outside judge (an LLM) about a pair in the ambiguous band. */
export type AmbiguousJudge = (type: string, a: string, b: string, score: PairScore) => Promise<boolean>;

interface Name {
  key: string;
  values: string[];
  /** How often each value occurs as the entity's own name (not a defined term). */
  ownValues: Map<string, number>;
  mentionIds: number[];
  definedOnly: boolean;
}

interface Edge {
  a: string;
  b: string;
  s: PairScore;
  ambiguous: boolean;
}

const PERSON_TYPES = new Set(['PERSON', 'JUDGE', 'LAWYER']);
const FILLER = new Set(['of', 'and', 'the', '&', 'for', 'de', 'a', 'inc', 'corp', 'co', 'llc', 'ltd']);

export function blockKeys(type: string, key: string): string[] {
  const core = coreTokens(key);
  const out = core.filter((t) => t.length >= 2 && !FILLER.has(t)).map((t) => `w:${t}`);
  if (!PERSON_TYPES.has(type)) {
    if (core.length === 1) out.push(`a:${core[0]}`);
    if (core.length >= 2) {
      out.push(
        `a:${core
          .filter((w) => !FILLER.has(w))
          .map((w) => w[0])
          .join('')}`,
      );
      out.push(`a:${core.map((w) => w[0]).join('')}`);
    }
  }
  return out;
}

export function isFull(type: string, key: string): boolean {
  return PERSON_TYPES.has(type) ? tokens(key).length >= 2 : coreTokens(key).length >= 2;
}

class UnionFind {
  private parent = new Map<string, string>();
  find(x: string): string {
    let p = this.parent.get(x) ?? x;
    if (p !== x) {
      p = this.find(p);
      this.parent.set(x, p);
    }
    return p;
  }
  union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent.set(rb < ra ? ra : rb, rb < ra ? rb : ra);
  }
}

function pickCanonical(names: readonly Name[]): { name: Name; value: string } {
  const candidates = names.filter((n) => !n.definedOnly);
  const pool = candidates.length ? candidates : names;
  const rank = (n: Name, v: string) => [
    coreTokens(n.key).length,
    tokens(n.key).length,
    v !== v.toUpperCase() ? 1 : 0,
    n.ownValues.get(v) ?? 0,
    -v.length,
  ];
  let best: { name: Name; value: string; r: number[] } | undefined;
  for (const n of pool) {
    for (const raw of n.ownValues.size ? [...n.ownValues.keys()] : n.values) {
      const v = raw.replace(/\s+/g, ' ');
      const r = rank(n, v);
      if (!best || compare(r, best.r) > 0 || (compare(r, best.r) === 0 && v < best.value)) best = { name: n, value: v, r };
    }
  }
  return { name: best!.name, value: best!.value };
}

function compare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
}

async function clusterType(
  type: string,
  mentions: readonly ResolvableMention[],
  forced: ReadonlyArray<[string, string]>,
  judge?: AmbiguousJudge,
): Promise<CanonicalCluster[]> {
  const names = new Map<string, Name>();
  for (const m of [...mentions].sort((a, b) => a.id - b.id)) {
    const n = names.get(m.key) ?? { key: m.key, values: [], ownValues: new Map<string, number>(), mentionIds: [], definedOnly: true };
    if (!n.values.includes(m.value)) n.values.push(m.value);
    n.mentionIds.push(m.id);
    if (!m.definedTerm) {
      n.definedOnly = false;
      n.ownValues.set(m.value, (n.ownValues.get(m.value) ?? 0) + 1);
    }
    names.set(m.key, n);
  }
  const keys = [...names.keys()].sort();
  const blocks = new Map<string, string[]>();
  for (const k of keys) for (const b of blockKeys(type, k)) blocks.set(b, [...(blocks.get(b) ?? []), k]);
  const pairs = new Set<string>();
  const edges: Edge[] = [];
  for (const members of blocks.values()) {
    if (members.length > 200) continue; // a word every name shares blocks nothing useful
    for (let i = 0; i < members.length; i++) {
      for (let j = i + 1; j < members.length; j++) {
        const a = members[i]!;
        const b = members[j]!;
        const id = `${a}\u0000${b}`;
        if (pairs.has(id)) continue;
        pairs.add(id);
        const s = scorePair(type, a, b);
        if (s.score >= AMBIGUOUS) edges.push({ a, b, s, ambiguous: false });
      }
    }
  }
  for (const [a, b] of forced) if (names.has(a) && names.has(b)) edges.push({ a, b, s: { score: 1, rule: 'aka' }, ambiguous: false });

  // a short name ("Logitech", "Smith") that fits several different entities decides nothing
  const shortTargets = new Map<string, string[]>();
  for (const e of edges) {
    if (!e.s.uniqueOnly) continue;
    const short = coreTokens(e.a).length <= coreTokens(e.b).length ? e.a : e.b;
    const long = short === e.a ? e.b : e.a;
    shortTargets.set(short, [...(shortTargets.get(short) ?? []), long]);
  }
  for (const e of edges) {
    if (!e.s.uniqueOnly) continue;
    const short = coreTokens(e.a).length <= coreTokens(e.b).length ? e.a : e.b;
    const targets = shortTargets.get(short) ?? [];
    e.ambiguous = targets.some((x, i) => targets.some((y, j) => j > i && scorePair(type, x, y).score < ACCEPT));
  }

  edges.sort((x, y) => y.s.score - x.s.score || x.a.localeCompare(y.a) || x.b.localeCompare(y.b));
  const uf = new UnionFind();
  const steps: Array<MergeStep & { root?: string }> = [];
  const members = (root: string) => keys.filter((k) => uf.find(k) === root);
  const compatible = (ra: string, rb: string) => {
    const A = members(ra).filter((k) => isFull(type, k));
    const B = members(rb).filter((k) => isFull(type, k));
    return A.every((x) => B.every((y) => scorePair(type, x, y).score >= ACCEPT));
  };
  for (const e of edges) {
    const ra = uf.find(e.a);
    const rb = uf.find(e.b);
    if (ra === rb) continue;
    let accept = e.s.score >= ACCEPT && !e.ambiguous;
    let rule = e.s.rule;
    if (!accept && judge && e.s.score >= AMBIGUOUS) {
      accept = await judge(type, names.get(e.a)!.values[0]!, names.get(e.b)!.values[0]!, e.s);
      rule = `${e.s.rule}+llm`;
    }
    if (!accept || (e.s.rule !== 'aka' && !compatible(ra, rb))) continue;
    uf.union(e.a, e.b);
    steps.push({ alias: e.b, into: e.a, rule, score: Math.round(e.s.score * 1000) / 1000 });
  }

  const groups = new Map<string, Name[]>();
  for (const k of keys) groups.set(uf.find(k), [...(groups.get(uf.find(k)) ?? []), names.get(k)!]);
  const out: CanonicalCluster[] = [];
  for (const group of groups.values()) {
    const { name, value } = pickCanonical(group);
    const keysIn = new Set(group.map((g) => g.key));
    const groupSteps = steps.filter((s) => keysIn.has(s.alias) || keysIn.has(s.into));
    const explanation: MergeStep[] = [];
    for (const g of group) {
      // how this name joined the entity: its own merge step (the score and rule), or exact equality with the canonical name
      const step = g.key === name.key ? undefined : (groupSteps.find((s) => s.alias === g.key) ?? groupSteps.find((s) => s.into === g.key));
      for (const v of g.values) {
        const collapsed = v.replace(/\s+/g, ' ');
        if (collapsed === value) continue;
        const definedTerm = mentions.some((m) => m.definedTerm && m.value === v && m.key === g.key);
        if (definedTerm) explanation.push({ alias: collapsed, into: g.key, rule: 'defined-term', score: 1 });
        else if (step && g.ownValues.has(v))
          explanation.push({ alias: collapsed, into: step.alias === g.key ? step.into : step.alias, rule: step.rule, score: step.score });
        else explanation.push({ alias: collapsed, into: g.key, rule: 'exact-normalized', score: 1 });
      }
    }
    const aliases = [...new Set(group.flatMap((g) => g.values.map((v) => v.replace(/\s+/g, ' '))))].filter((v) => v !== value).sort();
    const confidence = Math.min(1, ...explanation.map((x) => x.score));
    out.push({
      type,
      canonicalName: value,
      normalizedName: name.key,
      aliases,
      mentionIds: group.flatMap((g) => g.mentionIds).sort((a, b) => a - b),
      confidence,
      explanation,
    });
  }
  return out.sort((a, b) => a.normalizedName.localeCompare(b.normalizedName));
}

/** Canonical entities of one document's mentions; `forced` pairs of keys (a/k/a) always merge. */
export async function clusterMentions(
  mentions: readonly ResolvableMention[],
  forced: ReadonlyArray<[string, string]> = [],
  judge?: AmbiguousJudge,
): Promise<CanonicalCluster[]> {
  const byType = new Map<string, ResolvableMention[]>();
  for (const m of mentions) byType.set(m.type, [...(byType.get(m.type) ?? []), m]);
  const out: CanonicalCluster[] = [];
  for (const type of [...byType.keys()].sort()) out.push(...(await clusterType(type, byType.get(type)!, forced, judge)));
  return out;
}
