/** The closed, versioned category label set. Bump LABELS_VERSION when the set or its meaning changes. */
export const LABELS_VERSION = 1;

export const CATEGORY_LABELS = [
  'contract',
  'pleading',
  'motion',
  'brief',
  'court_order',
  'court_opinion',
  'court_notice',
  'correspondence',
  'discovery',
  'exhibit',
  'transcript',
  'other',
] as const;

export type Category = (typeof CATEGORY_LABELS)[number];

export const CATEGORY_DESCRIPTIONS: Readonly<Record<Category, string>> = {
  contract: 'an agreement, deed, licence, amendment or other instrument between parties',
  pleading: 'a complaint, answer, petition, counterclaim or other pleading that starts or answers a case',
  motion: 'a motion or application asking the court for an order (with its supporting memorandum)',
  brief: 'an appellate or trial brief, opposition or reply arguing the law',
  court_order: 'an order, judgment or minute entry issued by a court',
  court_opinion: 'a judicial opinion or decision explaining the court\u2019s reasoning (including slip opinions)',
  court_notice: 'a notice issued by a court or its clerk: notices of electronic filing, docketing notices, hearing notices',
  correspondence: 'a letter or e-mail between persons that is not a court notice',
  discovery: 'interrogatories, requests for production or admission, subpoenas, discovery responses',
  exhibit: 'an exhibit attached to a filing (a cover sheet labelled Exhibit, a declaration attachment)',
  transcript: 'a transcript of a hearing, deposition or trial',
  other: 'anything else',
};

export function isCategory(value: unknown): value is Category {
  return typeof value === 'string' && (CATEGORY_LABELS as readonly string[]).includes(value);
}
