/**
 * AWS Textract as the cloud OCR engine: `DetectDocumentText` per page for local files (a
 * single-page PDF as is, other pages rendered to PNG), and the asynchronous
 * `StartDocumentTextDetection` / `GetDocumentTextDetection` flow (NextToken pagination) for
 * `s3://` sources. Throttling and 5xx are retried with backoff; credentials come from the AWS
 * default chain (environment, profile, instance role), never from code.
 */
import {
  DetectDocumentTextCommand,
  GetDocumentTextDetectionCommand,
  StartDocumentTextDetectionCommand,
  TextractClient,
  type Block,
} from '@aws-sdk/client-textract';
import { PermanentError } from '../../../errors.ts';
import { sleep } from '../../../util/sleep.ts';
import { withBackoff } from './backoff.ts';
import type { OcrEngine, OcrText, PdfSource } from './engine.ts';
import type { RenderPool } from '../pdf/render-pool.ts';

export interface TextractSettings {
  region: string;
  endpoint?: string;
  concurrency: number;
  /** Retries of a throttled or 5xx call (default 6). */
  retries?: number;
  retryBaseMs?: number;
  /** Interval between GetDocumentTextDetection polls (default 5 s). */
  pollMs?: number;
  /** Give up polling an asynchronous job after this long (default 30 min). */
  jobTimeoutMs?: number;
}

const TRANSIENT = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'LimitExceededException',
  'InternalServerError',
  'ServiceUnavailableException',
  'TimeoutError',
  'RequestTimeout',
]);
const PERMANENT = new Set([
  'UnsupportedDocumentException',
  'BadDocumentException',
  'DocumentTooLargeException',
  'InvalidS3ObjectException',
]);
const CREDENTIALS = new Set([
  'CredentialsProviderError',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'AccessDeniedException',
  'ExpiredTokenException',
]);

export function isTransientAwsError(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown; code?: string } | null;
  if (!e) return false;
  if (e.name && TRANSIENT.has(e.name)) return true;
  if ((e.$metadata?.httpStatusCode ?? 0) >= 500) return true;
  return e.code === 'ECONNRESET' || e.code === 'ECONNREFUSED' || e.code === 'ETIMEDOUT';
}

/** Maps what a retry cannot fix to a PermanentError; anything else stays retryable. */
function classify(err: unknown, what: string): unknown {
  const name = (err as { name?: string } | null)?.name ?? '';
  const message = (err as { message?: string } | null)?.message ?? String(err);
  if (PERMANENT.has(name))
    return new PermanentError(`Textract rejected ${what}: ${name}: ${message}`, { code: 'DP_ERR_FILE_UNSUPPORTED', cause: err });
  if (CREDENTIALS.has(name))
    return new PermanentError(`Textract is not usable (${name}: ${message}); check the AWS credentials`, {
      code: 'DP_ERR_PROVIDER_UNAVAILABLE',
      cause: err,
    });
  return err;
}

/** LINE blocks (in Textract's reading order) joined by newlines; confidence is their mean. */
export function linesToText(blocks: readonly Block[]): OcrText {
  const lines = blocks.filter((b) => b.BlockType === 'LINE' && b.Text);
  const confidence = lines.length ? lines.reduce((s, b) => s + (b.Confidence ?? 0), 0) / lines.length : 0;
  return { text: lines.map((b) => b.Text).join('\n'), confidence };
}

export class TextractEngine implements OcrEngine {
  readonly provider = 'textract';
  readonly concurrency: number;
  private readonly client: TextractClient;

  constructor(
    private readonly settings: TextractSettings,
    private readonly renderer: RenderPool,
  ) {
    this.concurrency = settings.concurrency;
    // Our own backoff decides retries (maxAttempts 1): one policy, visible in logs and tests.
    this.client = new TextractClient({ region: settings.region, endpoint: settings.endpoint, maxAttempts: 1 });
  }

  async pdfPage(pdf: PdfSource, page: number, size: { width: number; height: number }, signal?: AbortSignal): Promise<OcrText> {
    const bytes =
      pdf.pageCount === 1 && pdf.password === undefined
        ? pdf.bytes
        : (await this.renderer.render(pdf.key, pdf.bytes, page, size, signal, pdf.password)).image;
    return this.detect(bytes, `page ${page}`, signal);
  }

  image(bytes: Buffer, signal?: AbortSignal): Promise<OcrText> {
    return this.detect(bytes, 'the image', signal);
  }

  forget(key: string): void {
    this.renderer.forget(key);
  }

  private async detect(bytes: Uint8Array, what: string, signal?: AbortSignal): Promise<OcrText> {
    const out = await this.call(
      () => this.client.send(new DetectDocumentTextCommand({ Document: { Bytes: bytes } }), { abortSignal: signal }),
      what,
      signal,
    );
    return linesToText(out.Blocks ?? []);
  }

  /**
   * The asynchronous flow for an `s3://bucket/key` document: start, poll until done, read every
   * result page. Returns the text per document page.
   */
  async s3Document(
    location: string,
    signal: AbortSignal | undefined,
    onJob: (jobId: string) => Promise<void>,
    heartbeat: () => Promise<void>,
  ): Promise<{ jobId: string; pages: OcrText[] }> {
    const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(location);
    if (!m) throw new PermanentError(`not an s3://bucket/key location: ${location}`, { code: 'DP_ERR_FILE_UNSUPPORTED' });
    const [, bucket, key] = m as unknown as [string, string, string];
    const started = await this.call(
      () =>
        this.client.send(new StartDocumentTextDetectionCommand({ DocumentLocation: { S3Object: { Bucket: bucket, Name: key } } }), {
          abortSignal: signal,
        }),
      location,
      signal,
    );
    const jobId = started.JobId;
    if (!jobId) throw new Error('Textract StartDocumentTextDetection returned no JobId');
    await onJob(jobId);
    const deadline = Date.now() + (this.settings.jobTimeoutMs ?? 30 * 60_000);
    const blocks: Block[] = [];
    let nextToken: string | undefined;
    for (;;) {
      const out = await this.call(
        () => this.client.send(new GetDocumentTextDetectionCommand({ JobId: jobId, NextToken: nextToken }), { abortSignal: signal }),
        location,
        signal,
      );
      if (out.JobStatus === 'IN_PROGRESS') {
        if (Date.now() > deadline) throw new Error(`Textract job ${jobId} still in progress after the job timeout`);
        await heartbeat();
        await sleep(this.settings.pollMs ?? 5000, signal);
        signal?.throwIfAborted();
        continue;
      }
      if (out.JobStatus === 'FAILED') {
        throw new PermanentError(`Textract job ${jobId} failed: ${out.StatusMessage ?? 'no reason given'}`, {
          code: 'DP_ERR_FILE_CORRUPT',
        });
      }
      blocks.push(...(out.Blocks ?? []));
      nextToken = out.NextToken;
      if (!nextToken) break;
    }
    const pageCount = Math.max(0, ...blocks.map((b) => b.Page ?? 1));
    const pages = Array.from({ length: pageCount }, (_, i) => linesToText(blocks.filter((b) => (b.Page ?? 1) === i + 1)));
    return { jobId, pages };
  }

  private call<T>(fn: () => Promise<T>, what: string, signal?: AbortSignal): Promise<T> {
    return withBackoff(fn, {
      retries: this.settings.retries ?? 6,
      baseMs: this.settings.retryBaseMs ?? 200,
      maxMs: 20_000,
      isTransient: isTransientAwsError,
      signal,
    }).catch((err: unknown) => {
      throw classify(err, what);
    });
  }

  close(): void {
    this.client.destroy();
  }
}
