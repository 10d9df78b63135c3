/**
 * The document's case and court. A case is a `Case` node keyed by its normalised case number within
 * the document's project (a document without a project has its own): the first CASE_NUMBER mention in
 * reading order, with the numbers listed right after it ("Case Nos. 20-55436, 20-55662"), else the
 * first docket number of the chunking facts. The court is the first COURT mention in reading order
 * (the caption's court), else the facts' court when it names one of the document's entities.
 */
import { normalizeDocket } from '../nlp/facts/dockets.ts';
import { deterministicUuid } from '../nlp/ids.ts';
import { matchEntity, type GraphEntity, type GraphMention } from './roles.ts';

export interface DocumentCase {
  uuid: string;
  /** Normalised case number (the MERGE key's input). */
  number: string;
  /** As written. */
  text: string;
  /** The CASE_NUMBER mention it was read from; absent when it came from the document metadata. */
  mention?: GraphMention;
}

export interface DocumentCourt {
  entity: string;
  mention?: GraphMention;
}

const LABEL = /^(?:(?:case|docket|civil action|criminal case|appeal)\s*)?(?:nos?\.?|number|#)\s*:?\s*(?=\d)/i;
const LIST_GAP = /^\s*(?:,|;|&|and|,\s*and)\s*(?:nos?\.?\s*)?$/i;

/** A case number as written → its normalised form ("Case No. 1:20-cv-1234-ABC" → 1:20-cv-01234). */
export function normalizeCaseNumber(text: string): string {
  return normalizeDocket(text.replace(/\s+/g, ' ').trim().replace(LABEL, '')).value;
}

export function caseUuid(scopeUuid: string, number: string): string {
  return deterministicUuid('case', scopeUuid, number);
}

function readingOrder(mentions: readonly GraphMention[], chunkIndex: ReadonlyMap<string, number>): GraphMention[] {
  return [...mentions].sort(
    (a, b) => (chunkIndex.get(a.chunkUuid) ?? 0) - (chunkIndex.get(b.chunkUuid) ?? 0) || a.start - b.start || a.end - b.end,
  );
}

export function documentCases(
  scopeUuid: string,
  mentions: readonly GraphMention[],
  chunkIndex: ReadonlyMap<string, number>,
  chunkText: ReadonlyMap<string, string>,
  metadata: unknown,
): DocumentCase[] {
  const numbers = readingOrder(
    mentions.filter((m) => m.type === 'CASE_NUMBER' && m.value),
    chunkIndex,
  );
  const out: DocumentCase[] = [];
  const push = (number: string, text: string, mention?: GraphMention) => {
    if (number && !out.some((c) => c.number === number))
      out.push({ uuid: caseUuid(scopeUuid, number), number, text, ...(mention ? { mention } : {}) });
  };
  const first = numbers[0];
  if (first) {
    push(normalizeCaseNumber(first.value!), first.value!, first);
    let prev = first;
    for (const m of numbers.slice(1)) {
      if (
        m.chunkUuid !== prev.chunkUuid ||
        m.start < prev.end ||
        !LIST_GAP.test((chunkText.get(m.chunkUuid) ?? '').slice(prev.end, m.start))
      )
        break;
      push(normalizeCaseNumber(m.value!), m.value!, m);
      prev = m;
    }
    return out;
  }
  const dockets = metadata && typeof metadata === 'object' ? (metadata as { docket_numbers?: unknown }).docket_numbers : undefined;
  const d = Array.isArray(dockets) ? (dockets[0] as { value?: unknown; text?: unknown } | undefined) : undefined;
  if (d && typeof d.value === 'string') push(d.value, typeof d.text === 'string' ? d.text : d.value);
  return out;
}

export function documentCourt(
  mentions: readonly GraphMention[],
  chunkIndex: ReadonlyMap<string, number>,
  entities: readonly GraphEntity[],
  metadata: unknown,
): DocumentCourt | undefined {
  const first = readingOrder(
    mentions.filter((m) => m.type === 'COURT' && m.canonicalUuid),
    chunkIndex,
  )[0];
  if (first) return { entity: first.canonicalUuid!, mention: first };
  const court = metadata && typeof metadata === 'object' ? (metadata as { court?: { name?: unknown } | null }).court : undefined;
  const e = court && typeof court.name === 'string' ? matchEntity(court.name, entities, ['COURT', 'ORG']) : undefined;
  return e ? { entity: e.uuid } : undefined;
}
