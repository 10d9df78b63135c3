/**
 * Stage `ocr`: turns a source file into text and per-page metadata in `source_documents`
 * (raw_extracted_text, ocr_metadata_json, ocr_provider, detected_file_type, ocr_completed_at,
 * textract_job_status/id), then hands the ids on to clean-cat. Writes are UPDATEs by id:
 * re-running the stage for a document leaves the same row.
 *
 * Options (pipeline.yaml `options:` of the stage), all optional:
 *   max_uncompressed_bytes  DOCX/ZIP inflate limit (zip bombs), default 268435456
 *   max_zip_entries         default 10000
 *   max_attachments         e-mail attachments extracted, default 50 (the rest are recorded as skipped)
 *   ocr_figures             OCR image-only pages of born-digital PDFs too (every page routed by its own
 *                           text layer), default true; false keeps them as figures, not OCR'd
 *   textract_poll_ms, textract_retries, textract_retry_base_ms   Textract tuning
 */
import { createHash } from 'node:crypto';
import { defineStage, InvalidMessageError, PermanentError, type StageContext } from 'docpipe';
import { detectFileType, type DetectedType } from 'docpipe/providers';
import {
  chooseOcrEngine,
  DEFAULT_LIMITS,
  detectTesseract,
  Extractor,
  type ExtractLimits,
  type ExtractResult,
  type TextractTuning,
} from '../src/providers/extract/index.ts';

interface OcrInput extends Record<string, unknown> {
  document_uuid: string;
  source_doc_sql_id: number;
  file_path: string;
  file_name?: string;
  detected_file_type?: string;
  project_sql_id?: number | null;
}

interface OcrOutput extends Record<string, unknown> {
  document_uuid: string;
  source_doc_sql_id: number;
  detected_file_type: string;
  page_count: number;
}

const STATUS_PROCESSING = 'ocr_stream_processing';
const STATUS_DONE = 'ocr_stream_complete_pending_clean_cat';
const STATUS_ERROR = 'ocr_stream_error';
const S3_OCR_TYPES: ReadonlySet<string> = new Set(['.pdf', '.png', '.jpg', '.jpeg', '.tif', '.tiff']);

/** The process's extractor (OCR threads, Textract client), rebuilt only if the settings change. */
let shared: { key: string; extractor: Extractor } | undefined;

async function extractorFor(ctx: StageContext, tuning: TextractTuning): Promise<Extractor> {
  const settings = ctx.providers.settings.ocr;
  const key = JSON.stringify([settings, tuning]);
  if (shared?.key !== key) {
    await shared?.extractor.close();
    shared = { key, extractor: new Extractor(settings, tuning) };
  }
  return shared.extractor;
}

export default defineStage<OcrInput, OcrOutput>({
  name: 'ocr',
  output: new URL('../schemas/ocr.output.json', import.meta.url),
  options: new URL('../schemas/ocr.options.json', import.meta.url),
  transaction: false, // long runs (300-page OCR) and failure records on the row: no transaction held across them
  /** The local OCR engine is chosen at start-up: `providers.ocr.engine: native` without the binary stops here. */
  async setup(ctx) {
    const settings = ctx.providers.settings.ocr;
    if (settings.provider === 'textract') return;
    const engine = chooseOcrEngine(settings.engine, () => detectTesseract());
    ctx.log.info({ engine, tesseract: engine === 'native' ? detectTesseract().version : undefined }, `ocr: local OCR engine ${engine}`);
  },
  async run(msg, ctx) {
    const sql = ctx.store.sql;
    const id = Number(msg.source_doc_sql_id);
    const [row] = await sql<{ document_uuid: string }[]>`SELECT document_uuid::text FROM source_documents WHERE id = ${id}`;
    if (!row) throw new PermanentError(`source_documents row ${id} does not exist`, { code: 'DP_ERR_HANDLER_PERMANENT' });
    if (row.document_uuid !== msg.document_uuid) {
      throw new InvalidMessageError(`source_documents row ${id} belongs to document ${row.document_uuid}, not ${msg.document_uuid}`);
    }
    const limits = readLimits(ctx);
    const extractor = await extractorFor(ctx, readTuning(ctx.options));
    let textractStarted = false;
    const deps = {
      transcriber: ctx.providers.transcriber,
      limits,
      signal: ctx.signal,
      span: ctx.span,
      heartbeat: () => ctx.heartbeat(),
      onOcrStart: async (provider: string) => {
        if (provider !== 'textract' || textractStarted) return;
        textractStarted = true;
        await sql`UPDATE source_documents SET textract_job_status = 'in_progress', ocr_provider = 'textract', last_modified_at = now() WHERE id = ${id}`;
      },
    };
    let type: DetectedType | string = msg.detected_file_type ?? 'unknown';
    try {
      await sql`UPDATE source_documents SET initial_processing_status = ${STATUS_PROCESSING}, last_modified_at = now() WHERE id = ${id}`;
      let result: ExtractResult;
      let file: { size: number; sha256: string } | undefined;
      const nameType = extensionType(msg.file_name ?? msg.file_path);
      if (ctx.providers.settings.ocr.provider === 'textract' && msg.file_path.startsWith('s3://') && S3_OCR_TYPES.has(nameType)) {
        type = nameType === '.jpeg' ? '.jpg' : nameType === '.tif' ? '.tiff' : nameType;
        await sql`UPDATE source_documents SET detected_file_type = ${type}, textract_job_status = 'not_started', last_modified_at = now() WHERE id = ${id}`;
        result = await extractor.extractS3(msg.file_path, deps, async (jobId) => {
          await sql`UPDATE source_documents SET textract_job_id = ${jobId}, last_modified_at = now() WHERE id = ${id}`;
        });
      } else {
        const source = await ctx.providers.files.read(msg.file_path, { signal: ctx.signal });
        type = detectFileType(source.bytes, msg.file_name ?? source.name);
        await sql`UPDATE source_documents SET detected_file_type = ${type}, last_modified_at = now() WHERE id = ${id}`;
        type = checkContainer(type as DetectedType, msg.file_name ?? source.name);
        file = { size: source.bytes.length, sha256: createHash('sha256').update(source.bytes).digest('hex') };
        result = await extractor.extract(
          { bytes: source.bytes, name: msg.file_name ?? source.name, type: type as DetectedType, key: msg.document_uuid },
          deps,
        );
      }
      ctx.signal.throwIfAborted();
      const metadata = {
        page_count: result.pageCount,
        provider: result.provider,
        detected_file_type: type,
        chars: result.pages.reduce((s, p) => s + p.chars, 0),
        pages: result.pages,
        ...result.metadata,
      };
      await sql`
        UPDATE source_documents SET
          raw_extracted_text = ${stripNul(result.text)},
          ocr_metadata_json = ${sql.json(JSON.parse(JSON.stringify(metadata, (_k, v: unknown) => (typeof v === 'string' ? stripNul(v) : v))))},
          ocr_provider = ${result.provider},
          detected_file_type = ${type},
          file_size_bytes = COALESCE(${file?.size ?? null}, file_size_bytes),
          file_sha256 = COALESCE(${file?.sha256 ?? null}, file_sha256),
          textract_job_status = ${textractStarted ? 'succeeded' : null},
          textract_job_id = ${result.textract?.jobId ?? null},
          initial_processing_status = ${STATUS_DONE},
          error_message = NULL,
          ocr_completed_at = now(),
          last_modified_at = now()
        WHERE id = ${id}`;
      ctx.log.info(
        {
          detected_file_type: type,
          provider: result.provider,
          page_count: result.pageCount,
          ocr_pages: result.pages.filter((p) => p.method === 'ocr').length,
        },
        'ocr: text extracted',
      );
      return { document_uuid: msg.document_uuid, source_doc_sql_id: id, detected_file_type: type, page_count: result.pageCount };
    } catch (err) {
      if (!ctx.signal.aborted) await recordFailure(ctx, id, type, err, textractStarted);
      throw err;
    }
  },
  async close() {
    const current = shared;
    shared = undefined;
    await current?.extractor.close();
  },
});

/** Writes the failure on the row (best effort: the store may be what failed). */
async function recordFailure(ctx: StageContext, id: number, type: string, err: unknown, textractStarted: boolean): Promise<void> {
  const message = err instanceof Error ? err.message : String(err);
  try {
    await ctx.store.sql`
      UPDATE source_documents SET
        error_message = ${stripNul(message).slice(0, 4000)},
        initial_processing_status = ${STATUS_ERROR},
        detected_file_type = COALESCE(detected_file_type, ${type === 'unknown' ? null : type}),
        textract_job_status = ${textractStarted ? 'failed' : null},
        last_modified_at = now()
      WHERE id = ${id}`;
  } catch (writeErr) {
    ctx.log.warn({ err: writeErr }, 'ocr: could not record the failure on source_documents');
  }
}

function readLimits(ctx: StageContext): ExtractLimits {
  const o = ctx.options;
  return {
    maxPages: ctx.providers.settings.ocr.max_pages,
    zip: {
      maxUncompressedBytes: positive(o['max_uncompressed_bytes'], DEFAULT_LIMITS.zip.maxUncompressedBytes),
      maxEntries: positive(o['max_zip_entries'], DEFAULT_LIMITS.zip.maxEntries),
    },
    maxAttachments: positive(o['max_attachments'], DEFAULT_LIMITS.maxAttachments, true),
    maxDepth: DEFAULT_LIMITS.maxDepth,
    ocrFigures: o['ocr_figures'] !== false && o['ocr_figures'] !== 'false',
  };
}

function readTuning(o: Readonly<Record<string, unknown>>): TextractTuning {
  const t: TextractTuning = {};
  if (o['textract_poll_ms'] !== undefined) t.pollMs = positive(o['textract_poll_ms'], 5000);
  if (o['textract_retries'] !== undefined) t.retries = positive(o['textract_retries'], 6, true);
  if (o['textract_retry_base_ms'] !== undefined) t.retryBaseMs = positive(o['textract_retry_base_ms'], 200, true);
  return t;
}

function positive(v: unknown, fallback: number, allowZero = false): number {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) && (allowZero ? n >= 0 : n > 0) ? n : fallback;
}

/** Binary container formats whose extension is a promise: content that is not that format is a broken file. */
const CONTAINERS: Readonly<Record<string, ReadonlySet<DetectedType>>> = { '.pdf': new Set(['.pdf']), '.docx': new Set(['.docx', '.zip']) };

function checkContainer(type: DetectedType, name: string): DetectedType {
  const ext = extensionType(name);
  const accepted = CONTAINERS[ext];
  if (!accepted || accepted.has(type)) return ext === '.docx' && type === '.zip' ? '.docx' : type;
  const why = ext === '.docx' ? 'a .docx must be a ZIP archive' : 'no %PDF- header';
  throw new PermanentError(`${name}: named ${ext} but the content is not (detected ${type}; ${why})`, { code: 'DP_ERR_FILE_CORRUPT' });
}

function extensionType(name: string): string {
  return (/\.[A-Za-z0-9]+$/.exec(name.split('?')[0] ?? '')?.[0] ?? '').toLowerCase();
}

/** Postgres text and jsonb cannot hold NUL characters. */
function stripNul(s: string): string {
  return s.includes('\u0000') ? s.replaceAll('\u0000', '') : s;
}
