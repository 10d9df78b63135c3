/**
 * Local categorization: caption/title rules plus a keyword-weighted linear classifier over the
 * features in features.ts, and a few structural hints (court e-mail, ECF stamp of docket entry 1).
 * Scores become a confidence with a softmax.
 */
import { FEATURES, type Region } from './features.ts';
import { CATEGORY_LABELS, type Category } from './labels.ts';

export interface CategorizeHints {
  /** The document is an e-mail (headers + body). */
  email?: { from?: string; subject?: string };
  /** ECF stamps found while cleaning (a court filing). */
  ecfStamps?: ReadonlyArray<{ case_number: string; document?: string }>;
  fileType?: string;
}

export interface CategoryResult {
  category: Category;
  confidence: number;
  method: 'local' | 'llm';
  /** The strongest evidence, for the metadata (feature names and scores). */
  evidence: string[];
  scores: Partial<Record<Category, number>>;
}

const BASELINE_OTHER = 1.5;

/** The title region: the first 60 short lines (captions and titles live there). */
export function titleRegion(text: string): string {
  const lines: string[] = [];
  for (const line of text.slice(0, 6000).split('\n')) {
    const t = line.trim();
    if (!t) continue;
    if (t.length <= 120) lines.push(t);
    if (lines.length >= 60) break;
  }
  return lines.join('\n');
}

function countMatches(pattern: RegExp, text: string, cap: number): number {
  const re = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
  let n = 0;
  while (n < cap && re.exec(text)) n++;
  return n;
}

export function categorizeLocal(text: string, hints: CategorizeHints = {}): CategoryResult {
  const regions: Record<Region, string> = { title: titleRegion(text), head: text.slice(0, 3000), all: text };
  const scores = new Map<Category, number>(CATEGORY_LABELS.map((l) => [l, 0]));
  scores.set('other', BASELINE_OTHER);
  const evidence: Array<[string, number]> = [];
  const add = (label: Category, name: string, score: number): void => {
    scores.set(label, (scores.get(label) ?? 0) + score);
    evidence.push([`${label}:${name}`, score]);
  };

  for (const f of FEATURES) {
    const n = countMatches(f.pattern, regions[f.region], f.cap ?? 1);
    if (n > 0) add(f.label, f.name, n * f.weight);
  }

  if (hints.email) {
    if (
      /uscourts\.gov|\.courts?\./i.test(hints.email.from ?? '') ||
      /^(?:FW:\s*|Fwd?:\s*)?Activity in Case\b/i.test(hints.email.subject ?? '')
    )
      add('court_notice', 'court_email', 6);
    else add('correspondence', 'email', 4);
  }
  const stamps = hints.ecfStamps ?? [];
  if (stamps.length > 0) {
    // a filed court document is not a contract or a letter; in a district court (N:YY-xx-NNNNN)
    // docket entry 1 is the case-opening pleading
    add('contract', 'court_filing', -4);
    add('correspondence', 'court_filing', -3);
    if (stamps.some((s) => /^\d{1,2}:\d{2}-/.test(s.case_number) && /^1(?:-\d+)?$/.test(s.document ?? '')))
      add('pleading', 'docket_entry_1', 4);
  }

  const ranked = [...scores.entries()].sort((a, b) => b[1] - a[1]);
  const [best] = ranked;
  const max = best![1];
  const z = ranked.reduce((s, [, v]) => s + Math.exp(v - max), 0);
  return {
    category: best![0],
    confidence: Math.round((1 / z) * 1000) / 1000,
    method: 'local',
    evidence: evidence
      .filter(([k]) => k.startsWith(`${best![0]}:`))
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k}=${v}`),
    scores: Object.fromEntries(ranked.filter(([, v]) => v !== 0).map(([k, v]) => [k, Math.round(v * 100) / 100])),
  };
}
