/**
 * Text extraction for every supported format, behind one `Extractor` that owns the per-process
 * OCR resources (render threads, tesseract threads or a Textract client), created on first need.
 */
import type { Span } from '@opentelemetry/api';
import { PermanentError } from '../../errors.ts';
import type { ProvidersConfig } from '../../config/types.ts';
import type { DetectedType } from '../detect.ts';
import type { Transcriber } from '../types.ts';
import { extractAudio } from './audio.ts';
import { extractDocx } from './docx.ts';
import { extractEml } from './eml.ts';
import { htmlToText } from './html-text.ts';
import { LOCAL_PAGE_IMAGE, LocalOcrEngine } from './ocr/local.ts';
import type { OcrEngine } from './ocr/engine.ts';
import { chooseOcrEngine, detectTesseract, ocrWorkers, type LocalOcrEngineName } from './ocr/select.ts';
import { extractPdf, joinPages } from './pdf/text.ts';
import { decodeText, extractPlainText } from './plain-text.ts';
import { RenderPool, type ImageFormat } from './pdf/render-pool.ts';
import { TextPool } from './pdf/text-pool.ts';
import { TextractEngine } from './ocr/textract.ts';
import { countChars, type ExtractResult, type PageInfo } from './types.ts';
import { DEFAULT_ZIP_LIMITS, type ZipLimits } from './zip-guard.ts';
import { ocrSpan } from '../../telemetry/spans.ts';

export type { ExtractResult, PageInfo } from './types.ts';
export { chooseOcrEngine, detectTesseract, type LocalOcrEngineName, type OcrEngineSetting } from './ocr/select.ts';

export interface ExtractLimits {
  maxPages: number;
  zip: ZipLimits;
  maxAttachments: number;
  /** Nested e-mails are followed this deep. */
  maxDepth: number;
  ocrFigures: boolean;
}

export const DEFAULT_LIMITS: Omit<ExtractLimits, 'maxPages'> = {
  zip: DEFAULT_ZIP_LIMITS,
  maxAttachments: 50,
  maxDepth: 3,
  ocrFigures: true,
};

export interface ExtractRequest {
  bytes: Buffer;
  name: string;
  type: DetectedType;
  /** Identifies the document in the render threads' caches. */
  key: string;
}

export interface ExtractDeps {
  transcriber: Transcriber | undefined;
  limits: ExtractLimits;
  signal?: AbortSignal;
  /** The span `ocr page` spans hang under (the stage's `ctx.span`). */
  span?: Span | undefined;
  heartbeat(): Promise<void>;
  onOcrStart?(provider: string): Promise<void>;
}

export interface TextractTuning {
  retries?: number;
  retryBaseMs?: number;
  pollMs?: number;
}

export class Extractor {
  private renderer: RenderPool | undefined;
  private texts: TextPool | undefined;
  private engine: (OcrEngine & { close(): Promise<void> | void }) | undefined;

  constructor(
    readonly settings: ProvidersConfig['ocr'],
    private readonly tuning: TextractTuning = {},
  ) {}

  /**
   * The local engine this extractor uses (`providers.ocr.engine`: the native tesseract binary when
   * installed, else tesseract.js); throws when `native` is asked for and the binary is missing.
   */
  localEngine(): LocalOcrEngineName {
    return chooseOcrEngine(this.settings.engine, () => detectTesseract());
  }

  /** The render threads of this process (rendering and inspecting PDF pages), created on first use. */
  private renders(): RenderPool {
    if (this.renderer) return this.renderer;
    const kind = this.settings.provider === 'textract' ? 'textract' : this.localEngine();
    return (this.renderer = new RenderPool(ocrWorkers(this.settings.workers, kind)));
  }

  /** The OCR engine of this process, created on first use. */
  ocr(): OcrEngine {
    if (this.engine) return this.engine;
    const renderer = this.renders();
    if (this.settings.provider === 'textract') {
      this.engine = new TextractEngine(
        { region: this.settings.region, endpoint: this.settings.endpoint, concurrency: renderer.size, ...this.tuning },
        renderer,
      );
    } else {
      this.engine = new LocalOcrEngine(renderer.size, renderer, this.localEngine(), detectTesseract().binary);
    }
    return this.engine;
  }

  /** The page image the OCR engine takes from an inspection: Textract renders its own (a one-page PDF goes as it is). */
  private ocrImageFormat(): ImageFormat | undefined {
    return this.settings.provider === 'textract' ? undefined : LOCAL_PAGE_IMAGE;
  }

  textract(): TextractEngine {
    const engine = this.ocr();
    if (!(engine instanceof TextractEngine)) throw new Error('providers.ocr.provider is not textract');
    return engine;
  }

  async extract(req: ExtractRequest, deps: ExtractDeps, depth = 0): Promise<ExtractResult> {
    const { bytes, name, type } = req;
    switch (type) {
      case '.pdf':
        return extractPdf(bytes, name, req.key, {
          engine: () => this.ocr(),
          renderer: () => this.renders(),
          ocrImageFormat: () => this.ocrImageFormat(),
          maxPages: deps.limits.maxPages,
          ocrFigures: deps.limits.ocrFigures,
          passwords: this.settings.pdf_passwords,
          signal: deps.signal,
          span: deps.span,
          heartbeat: deps.heartbeat,
          onOcrStart: deps.onOcrStart,
          textPool: () => (this.texts ??= new TextPool()),
        });
      case '.docx':
        return extractDocx(bytes, name, deps.limits.zip);
      case '.txt':
        return extractPlainText(bytes);
      case '.html': {
        const text = htmlToText(decodeText(bytes).text);
        return {
          text,
          pages: [{ page: 1, method: 'parser', chars: countChars(text), confidence: 100 }],
          pageCount: 1,
          provider: 'html_parser',
          metadata: {},
        };
      }
      case '.eml':
        if (depth >= deps.limits.maxDepth)
          throw new PermanentError(`${name}: e-mails nested deeper than ${deps.limits.maxDepth}`, { code: 'DP_ERR_FILE_UNSUPPORTED' });
        return extractEml(bytes, name, {
          maxAttachments: deps.limits.maxAttachments,
          extract: (b, n, t) => this.extract({ bytes: b, name: n, type: t, key: `${req.key}/${n}` }, deps, depth + 1),
        });
      case '.mp3':
      case '.wav':
      case '.m4a':
        return extractAudio(bytes, name, deps.transcriber, deps.signal);
      case '.png':
      case '.jpg':
      case '.tiff': {
        const engine = this.ocr();
        await deps.onOcrStart?.(engine.provider);
        const ocr = await ocrSpan(deps.span, engine.provider, 1, () => engine.image(bytes, deps.signal));
        const text = ocr.text.trim();
        return {
          text,
          pages: [
            { page: 1, method: 'ocr', chars: countChars(text), confidence: Math.round(ocr.confidence * 10) / 10, reason: 'image file' },
          ],
          pageCount: 1,
          provider: engine.provider,
          metadata: {},
        };
      }
      default:
        throw new PermanentError(
          `${name}: file type ${type} is not supported (supported: pdf, docx, txt, html, eml, mp3, wav, m4a, png, jpg, tiff)`,
          { code: 'DP_ERR_FILE_UNSUPPORTED' },
        );
    }
  }

  /** An `s3://` PDF or image OCR'd by Textract's asynchronous flow, without reading its bytes here. */
  async extractS3(location: string, deps: ExtractDeps, onJob: (jobId: string) => Promise<void>): Promise<ExtractResult> {
    await deps.onOcrStart?.('textract');
    const { jobId, pages: ocr } = await this.textract().s3Document(location, deps.signal, onJob, deps.heartbeat);
    if (ocr.length > deps.limits.maxPages) {
      throw new PermanentError(`${location}: ${ocr.length} pages, over providers.ocr.max_pages (${deps.limits.maxPages})`, {
        code: 'DP_ERR_FILE_CORRUPT',
      });
    }
    const texts = ocr.map((p) => p.text.trim());
    const pages: PageInfo[] = texts.map((t, i) => ({
      page: i + 1,
      method: 'ocr',
      chars: countChars(t),
      confidence: Math.round((ocr[i]?.confidence ?? 0) * 10) / 10,
      reason: 'Textract asynchronous job',
    }));
    return {
      text: joinPages(texts, pages),
      pages,
      pageCount: pages.length,
      provider: 'textract',
      metadata: { textract_job_id: jobId },
      textract: { status: 'succeeded', jobId },
    };
  }

  async close(): Promise<void> {
    const engine = this.engine;
    const renderer = this.renderer;
    const texts = this.texts;
    this.engine = undefined;
    this.renderer = undefined;
    this.texts = undefined;
    await engine?.close();
    await renderer?.close();
    await texts?.close();
  }
}
