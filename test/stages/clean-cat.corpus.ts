/**
 * Raw text of corpus documents as the ocr stage stores it (pages joined by "\n\f\n"; e-mails as
 * their body with the headers in ocr_metadata_json.email), built here without the ocr stage:
 * `pdftotext` for text PDFs, mailparser for e-mails, the file itself for .txt. Shared by the
 * clean-cat and chunking stage tests.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { simpleParser } from 'mailparser';
import type { ProvidersConfig } from '../../src/config/types.ts';
import { LocalFileSource } from '../../src/providers/files.ts';
import type { LlmClient, Providers } from '../../src/providers/types.ts';
import type { Sql } from '../../src/store/db.ts';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const corpusDir = path.resolve(repoRoot, '../shared/corpus');

export interface CorpusRaw {
  file: string;
  type: 'pdf' | 'eml' | 'txt';
  raw: string;
  ocrMetadata: Record<string, unknown>;
  pageCount: number;
}

const settings: ProvidersConfig = {
  ocr: { provider: 'local', workers: 1, region: 'us-east-1', max_pages: 500 },
  llm: { provider: 'local', model: 'none', api_key_env: 'NONE', concurrency: 1, timeoutMs: 5000 },
  transcription: { provider: 'none', model: 'none', api_key_env: 'NONE' },
};
export function testProviders(llm?: LlmClient): Providers {
  return { settings, files: new LocalFileSource({ allowedRoots: [corpusDir], maxBytes: 50 << 20 }), llm, transcriber: undefined };
}

export async function insertSource(
  sql: Sql,
  file: string,
  raw: string,
  ocrMetadata: Record<string, unknown>,
): Promise<{ id: number; uuid: string }> {
  const [row] = await sql<{ id: string; document_uuid: string }[]>`
    INSERT INTO source_documents (file_name, file_path, raw_extracted_text, ocr_metadata_json, initial_processing_status)
    VALUES (${file.split('/').pop()!}, ${file}, ${raw}, ${sql.json(ocrMetadata as Parameters<typeof sql.json>[0])}, 'ocr_complete')
    RETURNING id, document_uuid`;
  return { id: Number(row!.id), uuid: row!.document_uuid };
}

/** LLM settings pointing at a (fake) OpenAI-compatible server. */
export function llmSettings(baseURL: string): ProvidersConfig['llm'] {
  return { ...settings.llm, provider: 'openai', base_url: baseURL, model: 'fake' };
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00A0' };

/** A small HTML-to-text conversion (block elements become line breaks). */
export function htmlToText(html: string): string {
  return html
    .replace(/<(style|script|head)[\s\S]*?<\/\1>/gi, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|tr|h\d|li|table|pre)>/gi, '\n')
    .replace(/<\/t[dh]>/gi, ' ')
    .replace(/<[^>]+>/g, '')
    .replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);/gi, (m, e: string) => {
      if (e.startsWith('#x') || e.startsWith('#X')) return String.fromCodePoint(parseInt(e.slice(2), 16));
      if (e.startsWith('#')) return String.fromCodePoint(Number(e.slice(1)));
      return ENTITIES[e.toLowerCase()] ?? m;
    })
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n');
}

export function hasPdftotext(): boolean {
  try {
    execFileSync('pdftotext', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export async function corpusRaw(rel: string): Promise<CorpusRaw> {
  const file = path.join(corpusDir, rel);
  if (rel.endsWith('.pdf')) {
    const raw = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8', maxBuffer: 64 << 20 });
    const pages = raw.replace(/\f$/, '').split('\f');
    return {
      file: rel,
      type: 'pdf',
      raw: pages.join('\n\f\n'),
      pageCount: pages.length,
      ocrMetadata: { pages: pages.map((p, i) => ({ page: i + 1, chars: p.length, method: 'text-layer' })) },
    };
  }
  if (rel.endsWith('.eml')) {
    const mail = await simpleParser(readFileSync(file));
    const email = {
      from: mail.from?.text ?? '',
      to: (Array.isArray(mail.to) ? mail.to.map((a) => a.text).join(', ') : mail.to?.text) ?? '',
      date: mail.date?.toISOString() ?? '',
      subject: mail.subject ?? '',
    };
    const body = mail.text?.trim() ? mail.text : typeof mail.html === 'string' ? htmlToText(mail.html) : '';
    const raw = body.replace(/\r\n?/g, '\n').trim();
    return { file: rel, type: 'eml', raw, pageCount: 1, ocrMetadata: { email, pages: [{ page: 1, chars: raw.length }] } };
  }
  const raw = readFileSync(file, 'utf8');
  return { file: rel, type: 'txt', raw, pageCount: 1, ocrMetadata: { pages: [{ page: 1, chars: raw.length }] } };
}

/** Expected categories ("Done when" of issue #6 and MANIFEST notes). */
export const EXPECTED_CATEGORY: Readonly<Record<string, readonly string[]>> = {
  'pdf-text/ca1_00117684624.pdf': ['court_opinion'],
  'pdf-text/missouri.pdf': ['court_opinion'],
  'pdf-text/vector-pdf.pdf': ['court_opinion'],
  'pdf-text/ca10_010110462922.pdf': ['court_order'],
  'pdf-text/gov.uscourts.cacd.652774.40.0.pdf': ['court_order'],
  'pdf-text/rectangles_no.pdf': ['pleading'],
  'pdf-text/rectangles_yes.pdf': ['pleading'],
  'pdf-text/ca9_19.pdf': ['motion'],
  'pdf-text/ca2_1-1.pdf': ['court_notice'],
  'eml/nef_almd_1.eml': ['court_notice'],
  'eml/nef_ared_3.eml': ['court_notice'],
  'eml/nef_arwb_1.eml': ['court_notice'],
  'eml/nef_cacb_6.eml': ['court_notice'],
  'eml/nef_ctb_multi_1.eml': ['court_notice'],
  'eml/nef_deb_1.eml': ['court_notice'],
  'eml/nef_flmd_1_plain.eml': ['court_notice'],
  'eml/nef_jpml_1.eml': ['court_notice'],
  'eml/nef_nysd_1.eml': ['court_notice'],
  'eml/nef_txwd_7.eml': ['court_notice'],
  'eml/unstructured_email-replace-mime-encodings-error-4.eml': ['correspondence', 'other'],
  'eml/unstructured_fake-email-attachment.eml': ['correspondence', 'other'],
  'txt/construction__1171078_2009-03-31_THIRD_MODIFICATION_OF_SECOND_AMENDED_AND_RESTATED_CONSTRUCTION_DEED_OF.txt': ['contract'],
  'txt/construction__8411_2012-11-19_CONTRACT_FOR_CONSTRUCTION_AND_SALE_OF_DRILLSHIP.txt': ['contract'],
  'txt/credit__1122304_2003-02-28_CREDIT_AGREEMENT.txt': ['contract'],
  'txt/credit__784770_2008-02-05_CREDIT_AGREEMENT.txt': ['contract'],
  'txt/employment__1032975_2011-03-24_EMPLOYMENT_AGREEMENT_BETWEEN_LOGITECH_EUROPE_S.A._AND_JUNIEN_LABROUSSE.txt': ['contract'],
  'txt/employment__1044324_2004-08-17_BARR_EMPLOYMENT_AGREEMENT.txt': ['contract'],
  'txt/severance__1004740_2006-04-07_SEVERANCE_AGREEMENT.txt': ['contract'],
  'txt/severance__1104017_2006-12-11_SEVERANCE_AGREEMENT.txt': ['contract'],
  'txt/software_license__1135906_2009-05-11_SOFTWARE_LICENSE_AGREEMENT.txt': ['contract'],
  'txt/software_license__813562_2007-11-08_EX-10.3_SOFTWARE_LICENSE_AND_SERVICES_AGREEMENT.txt': ['contract'],
};

/**
 * Docket numbers each court e-mail must yield (normalised), its case name, and the case name of
 * each docket a multi-docket notice names (`caseNames`; the others carry the document's name).
 */
export const EXPECTED_EMAIL_FACTS: Readonly<
  Record<string, { dockets: string[]; caseName: string; caseNames?: Readonly<Record<string, string>> }>
> = {
  'eml/nef_almd_1.eml': { dockets: ['3:21-cv-00437'], caseName: 'Stapler v. Automatic Food Service, Inc.' },
  'eml/nef_ared_3.eml': { dockets: ['4:21-cv-00428'], caseName: 'Santiago v. United Parcel Service Inc' },
  'eml/nef_arwb_1.eml': { dockets: ['1:24-bk-70535'], caseName: 'Lowry Farms, Inc.' },
  'eml/nef_cacb_6.eml': { dockets: ['6:22-bk-13036'], caseName: 'Lara Fakhoury' },
  'eml/nef_ctb_multi_1.eml': {
    dockets: ['24-03015', '24-30774'],
    caseName: 'Lotto v. U.S. BANK TRUST NATIONAL ASSOCIATION NOT IN ITS I',
    caseNames: { '24-30774': 'Michael Henry Lotto' },
  },
  'eml/nef_deb_1.eml': { dockets: ['24-10418'], caseName: 'JOANN Inc.' },
  'eml/nef_flmd_1_plain.eml': { dockets: ['8:23-cv-00705'], caseName: "Heartbeat of Miami, Inc. v. Jane's Revenge et al" },
  'eml/nef_jpml_1.eml': {
    dockets: ['MDL No. 2967', '1:21-cv-02960', '1:20-cv-01296', '1:20-cv-03104'],
    caseName: 'IN RE: Clearview AI, Inc., Consumer Privacy Litigation',
    caseNames: {
      '1:21-cv-02960': 'Hurvitz v. Clearview AI, Inc. et al',
      '1:20-cv-01296': 'Calderon et al v. Clearview AI, Inc. et al',
      '1:20-cv-03104': 'Burke et al v. Clearview AI, Inc. et al',
    },
  },
  'eml/nef_nysd_1.eml': { dockets: ['1:20-cv-08924'], caseName: 'IN RE: NEW YORK CITY POLICING DURING SUMMER 2020 DEMONSTRATIONS' },
  'eml/nef_txwd_7.eml': { dockets: ['6:22-cv-00351'], caseName: 'Lionra Technologies Limited v. Apple Inc.' },
};

/** Case numbers the ECF stamps of the court PDFs carry. */
export const EXPECTED_STAMP_CASES: Readonly<Record<string, string>> = {
  'pdf-text/ca10_010110462922.pdf': '21-800',
  'pdf-text/ca1_00117684624.pdf': '20-1507',
  'pdf-text/ca2_1-1.pdf': '17-3510',
  'pdf-text/ca9_19.pdf': '20-16276',
  'pdf-text/gov.uscourts.cacd.652774.40.0.pdf': '8:16-cv-01261',
  'pdf-text/rectangles_no.pdf': '1:21-cv-01061',
  'pdf-text/rectangles_yes.pdf': '1:21-cv-01061',
};
