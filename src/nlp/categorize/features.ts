/**
 * The local classifier's features: hand-chosen caption/title rules and keyword cues, each with a
 * weight for one label and the region of the document it looks at. Title rules are strong (they
 * name the document); keyword cues are weak and add up.
 */
import type { Category } from './labels.ts';

export type Region = 'title' | 'head' | 'all';

export interface Feature {
  label: Category;
  name: string;
  pattern: RegExp;
  weight: number;
  region: Region;
  /** For `all`: count matches up to this many (each adds `weight`). Default 1. */
  cap?: number;
}

export const FEATURES: readonly Feature[] = [
  // court notices
  { label: 'court_notice', name: 'nef', pattern: /Notice of Electronic Filing/i, weight: 9, region: 'head' },
  {
    label: 'court_notice',
    name: 'docketing_notice',
    pattern:
      /^\s*(?:DOCKETING NOTICE|NOTICE OF DOCKET(?:ING)? ACTIVITY|CLERK'?S NOTICE|NOTICE OF (?:HEARING|DEFICIENCY|CASE ASSIGNMENT))\s*$/m,
    weight: 7,
    region: 'title',
  },
  { label: 'court_notice', name: 'cm_ecf', pattern: /CM\/ECF system|PACER/i, weight: 2, region: 'head' },
  // opinions
  {
    label: 'court_opinion',
    name: 'opinion_title',
    pattern: /^\s*(?:(?:MEMORANDUM|PUBLISHED|UNPUBLISHED|SLIP)\s+)?OPINION(?:\s+AND\s+ORDER)?\s*$|\(Slip Opinion\)|^\s*PER CURIAM\b/m,
    weight: 6,
    region: 'title',
  },
  {
    label: 'court_opinion',
    name: 'opinion_of_court',
    pattern: /Opinion of the Court|delivered the opinion|announced the judgment/i,
    weight: 4,
    region: 'all',
  },
  {
    label: 'court_opinion',
    name: 'author_line',
    pattern: /^[A-Z][A-Za-z'-]+,\s+(?:Senior\s+|Chief\s+)?(?:Circuit|District|Chief|Associate)?\s*Judge\.\s/m,
    weight: 5,
    region: 'all',
  },
  {
    label: 'court_opinion',
    name: 'panel',
    pattern: /^\s*Before:?\s*$|^\s*Before:?\s+[A-Z][\s\S]{0,120}?(?:Circuit |Chief )?Judges?\b|\b[A-Z]\.\s?J\.,[^\n]{0,80}\bJ\.\s*$/m,
    weight: 3,
    region: 'head',
  },
  { label: 'court_opinion', name: 'certiorari', pattern: /CERTIORARI TO THE|^\s*Syllabus\s*$/m, weight: 4, region: 'head' },
  {
    label: 'court_opinion',
    name: 'disposition',
    pattern:
      /\b(?:we|We) (?:affirm|reverse|vacate|remand)\b|\b(?:is|are) (?:hereby )?(?:affirmed|reversed|vacated)\b|\bAFFIRMED\.|\bREVERSED\b/,
    weight: 3,
    region: 'all',
  },
  {
    label: 'court_opinion',
    name: 'opinion_sections',
    pattern: /^\s*(?:Standard of Review|Discussion|Analysis|Background|Conclusion)\s*$/m,
    weight: 1,
    region: 'all',
    cap: 3,
  },
  { label: 'court_opinion', name: 'appeal_from', pattern: /APPEAL FROM THE|Appeal from the/, weight: 1, region: 'head' },
  // orders
  {
    label: 'court_order',
    name: 'order_title',
    pattern: /^\s*(?:\[PROPOSED\]\s+)?(?:ORDER|JUDGMENT|MINUTE ORDER|MINUTE ENTRY|SCHEDULING ORDER|FINAL JUDGMENT)\s*$/m,
    weight: 6,
    region: 'title',
  },
  {
    label: 'court_order',
    name: 'order_granting',
    pattern: /^\s*ORDER\s+(?:GRANTING|DENYING|ON|REGARDING|RE:?|TO SHOW CAUSE|OF)\b/m,
    weight: 6,
    region: 'title',
  },
  {
    label: 'court_order',
    name: 'so_ordered',
    pattern: /IT IS (?:HEREBY |FURTHER )?(?:SO )?ORDERED|SO ORDERED\./,
    weight: 4,
    region: 'all',
  },
  { label: 'court_order', name: 'entered_for_court', pattern: /Entered for the Court|BY THE COURT:?\s*$/m, weight: 3, region: 'all' },
  // motions
  { label: 'motion', name: 'motion_title', pattern: /^\s*(?:[A-Z][A-Z'.,]*\s+){0,6}MOTION\s+(?:TO|FOR|IN)\b/m, weight: 7, region: 'title' },
  {
    label: 'motion',
    name: 'moves',
    pattern: /respectfully (?:move|moves|request|requests) (?:th(?:e|is) )?Court|hereby move/i,
    weight: 3,
    region: 'all',
  },
  { label: 'motion', name: 'notice_of_motion', pattern: /NOTICE OF MOTION|POINTS AND AUTHORITIES IN SUPPORT/i, weight: 3, region: 'head' },
  // pleadings
  {
    label: 'pleading',
    name: 'complaint_title',
    pattern:
      /^\s*(?:(?:FIRST|SECOND|THIRD)\s+)?(?:AMENDED\s+|VERIFIED\s+|CLASS ACTION\s+)?(?:COMPLAINT|PETITION|ANSWER|COUNTERCLAIM)(?:\s+(?:FOR|TO|AND|OF)\b[^\n]*)?\s*$/m,
    weight: 7,
    region: 'title',
  },
  {
    label: 'pleading',
    name: 'prayer',
    pattern: /PRAYER FOR RELIEF|WHEREFORE,? (?:the )?Plaintiff|DEMAND FOR JURY TRIAL|JURY DEMAND/i,
    weight: 3,
    region: 'all',
  },
  {
    label: 'pleading',
    name: 'alleges',
    pattern: /\b(?:Plaintiffs?|Petitioners?)\b[^.\n]{0,120}\b(?:alleges?|states as follows|complains? of)\b/,
    weight: 3,
    region: 'all',
  },
  { label: 'pleading', name: 'counts', pattern: /^\s*(?:COUNT|CLAIM FOR RELIEF)\s+[IVX\d]+\b/m, weight: 2, region: 'all' },
  // briefs
  {
    label: 'brief',
    name: 'brief_title',
    pattern: /^\s*(?:[A-Z'.,]+\s+){0,6}(?:BRIEF|MEMORANDUM OF LAW|REPLY|OPPOSITION)\b(?![^\n]*\bMOTION\b)[^\n]*$/m,
    weight: 5,
    region: 'title',
  },
  {
    label: 'brief',
    name: 'brief_sections',
    pattern: /SUMMARY OF (?:THE )?ARGUMENT|STATEMENT OF THE (?:ISSUES|CASE)|TABLE OF AUTHORITIES|STANDARD OF REVIEW\s*$/m,
    weight: 2,
    region: 'all',
    cap: 3,
  },
  // contracts
  {
    label: 'contract',
    name: 'agreement_title',
    pattern:
      /^\s*(?:[A-Z][A-Za-z,&'-]*\s+){0,8}(?:AGREEMENT|Agreement|CONTRACT|DEED OF TRUST|LEASE|INDENTURE|AMENDMENT|MODIFICATION|NOTE|GUARANTY)\b/m,
    weight: 4,
    region: 'title',
  },
  { label: 'contract', name: 'recitals', pattern: /\bWHEREAS\b|NOW,? THEREFORE|IN WITNESS WHEREOF/, weight: 3, region: 'all', cap: 2 },
  {
    label: 'contract',
    name: 'parties_clause',
    pattern: /\bby and (?:between|among)\b|the parties hereto|hereinafter (?:referred to as|called)|\(the "[A-Z][A-Za-z ]+"\)/i,
    weight: 2,
    region: 'all',
    cap: 2,
  },
  {
    label: 'contract',
    name: 'contract_sections',
    pattern: /^\s*(?:ARTICLE\s+[IVX\d]+|Section\s+\d+(?:\.\d+)*\.?)\s/m,
    weight: 1,
    region: 'all',
    cap: 3,
  },
  {
    label: 'contract',
    name: 'covenants',
    pattern: /\b(?:shall|hereby agrees?|covenants?|warrants?|indemnif(?:y|ies|ication))\b/,
    weight: 0.5,
    region: 'all',
    cap: 4,
  },
  // correspondence
  { label: 'correspondence', name: 'salutation', pattern: /^\s*(?:Dear|Hello|Hi)\b[^\n]{0,60}[,:!]?\s*$/m, weight: 3, region: 'head' },
  {
    label: 'correspondence',
    name: 'closing',
    pattern: /^\s*(?:Sincerely|Best regards|Kind regards|Regards|Best|Thanks|Thank you|Cheers),?\s*$/m,
    weight: 3,
    region: 'all',
  },
  // discovery
  {
    label: 'discovery',
    name: 'discovery_title',
    pattern:
      /INTERROGATOR(?:Y|IES)|REQUESTS? FOR (?:PRODUCTION|ADMISSION)|SUBPOENA (?:TO|DUCES)|RESPONSES? TO (?:FIRST |SECOND )?(?:SET OF )?(?:INTERROGATORIES|REQUESTS)/,
    weight: 7,
    region: 'title',
  },
  // exhibits
  { label: 'exhibit', name: 'exhibit_cover', pattern: /^\s*EXHIBIT\s+(?:[A-Z]|\d{1,3})\s*$/, weight: 6, region: 'title' },
  // transcripts
  {
    label: 'transcript',
    name: 'transcript_title',
    pattern: /TRANSCRIPT OF (?:PROCEEDINGS|HEARING|TRIAL)|REPORTER'?S TRANSCRIPT|DEPOSITION OF [A-Z]/,
    weight: 7,
    region: 'title',
  },
  { label: 'transcript', name: 'qa', pattern: /^\s*(?:Q\.|THE COURT:|MR\. [A-Z]+:|MS\. [A-Z]+:)\s/m, weight: 1, region: 'all', cap: 5 },
];
