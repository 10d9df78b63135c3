/** What every extractor returns: the document text plus per-page and per-format metadata. */
export type PageMethod = 'text-layer' | 'ocr' | 'parser' | 'transcription';

export interface PageInfo {
  /** 1-based page number. */
  page: number;
  method: PageMethod;
  /** Non-whitespace characters of the page's text. */
  chars: number;
  /** 0-100 for OCR pages (engine confidence); 100 for text layers and parsers. */
  confidence: number;
  /** Why the page was routed to OCR (absent for text-layer pages). */
  reason?: string;
  /** The page's [start, end) character offsets in raw_extracted_text (multi-page documents). */
  start?: number;
  end?: number;
}

export interface ExtractResult {
  text: string;
  pages: PageInfo[];
  pageCount: number;
  /** `ocr_provider` column: pdf_text_layer, tesseract, textract, docx_parser, eml_parser, txt_parser, whisper. */
  provider: string;
  /** Format-specific metadata merged into ocr_metadata_json (e-mail headers, docx counts…). */
  metadata: Record<string, unknown>;
  /** Set when Textract ran: the final textract_job_status, and its job id for s3:// sources. */
  textract?: { status: 'succeeded' | 'failed'; jobId?: string };
}

/** Counts non-whitespace characters. */
export function countChars(text: string): number {
  let n = 0;
  for (const ch of text) if (!/\s/u.test(ch)) n++;
  return n;
}
