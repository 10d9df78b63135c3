/** People, organisations and places from compromise, as exact spans of the text. */
import nlp from 'compromise';
import { NOT_NAME_START } from './gazetteers.ts';
import { makeMention, type Mention } from './types.ts';

interface OffsetJson {
  text: string;
  offset: { start: number; length: number };
}

/** Capitalised words compromise often mistakes for names in legal text. */
const NOT_A_NAME = new Set([
  'company',
  'executive',
  'agreement',
  'employee',
  'employer',
  'board',
  'court',
  'plaintiff',
  'defendant',
  'borrower',
  'lender',
  'bank',
  'buyer',
  'seller',
  'builder',
  'party',
  'parties',
  'section',
  'article',
  'exhibit',
  'schedule',
  'notice',
  'order',
  'esq.',
  'esq',
  'judge',
  'justice',
  'mr.',
  'ms.',
  'mrs.',
  'dr.',
  'hon.',
  'mr',
  'ms',
  'mrs',
  'dr',
  'fir',
  'advocate',
  'advocates',
  'the',
  'you',
  'your',
  'he',
  'she',
  'they',
  'we',
  'i',
]);

const CONFIDENCE: Record<'PERSON' | 'ORG' | 'LOCATION', number> = { PERSON: 0.7, ORG: 0.6, LOCATION: 0.65 };

function take(text: string, items: OffsetJson[], type: 'PERSON' | 'ORG' | 'LOCATION', out: Mention[]): void {
  for (const item of items) {
    const { start, length } = item.offset;
    let s = start;
    const e = start + length;
    // drop leading role words and determiners compromise glues on ("Defendant Gabriella Oropesa")
    for (;;) {
      const m = /^([A-Za-z.-]+)[ \t]+/.exec(text.slice(s, e));
      if (!m || !NOT_NAME_START.has(m[1] ?? '')) break;
      s += m[0].length;
    }
    // "Tucson, Arizona": a city and its state are two places
    const comma = type === 'LOCATION' ? /^([A-Z][\w .'-]*?),[ \t]+(?=[A-Z])/.exec(text.slice(s, e)) : null;
    if (comma) {
      take(
        text,
        [
          { text: '', offset: { start: s, length: comma[1]!.length } },
          { text: '', offset: { start: s + comma[0].length, length: e - s - comma[0].length } },
        ],
        type,
        out,
      );
      continue;
    }
    const mention = makeMention(text, type, s, e, 'compromise', CONFIDENCE[type]);
    if (!mention) continue;
    if (!/^[A-Z]/.test(mention.value) || NOT_A_NAME.has(mention.value.toLowerCase()) || NOT_NAME_START.has(mention.value)) continue;
    if (mention.value.length < 2 || !/^[\p{L}\p{N}][\p{L}\p{N}\s.,&'’-]*$/u.test(mention.value)) continue;
    if (/[\n\r]\s*[\n\r]/.test(mention.value)) continue;
    // "Sr. Advocate", "Hon'ble Mr. Justice": titles and lawyer words, not names
    if (/\b(?:Advocates?|ADVOCATES?|Counsel|Hon['’]?ble|HON['’]?BLE|Justice|JUSTICE)\b/.test(mention.value)) continue;
    out.push(mention);
  }
}

export function recogniseWithCompromise(text: string): Mention[] {
  const doc = nlp(text);
  const out: Mention[] = [];
  take(text, doc.people().json({ offset: true }) as OffsetJson[], 'PERSON', out);
  take(text, doc.organizations().json({ offset: true }) as OffsetJson[], 'ORG', out);
  take(text, doc.places().json({ offset: true }) as OffsetJson[], 'LOCATION', out);
  return out;
}
