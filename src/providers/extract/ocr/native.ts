/**
 * Local OCR with the native `tesseract` binary (Debian's tesseract-ocr + tesseract-ocr-eng): one
 * process per page image, the image on stdin and TSV (words, boxes, confidences) on stdout, each
 * process single-threaded (OMP_THREAD_LIMIT=1) and a pool of them, so a multi-page scan keeps every
 * core busy. A process is killed (by its pid) when the document is aborted or the page takes too long.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { PermanentError } from '../../../errors.ts';
import { ResourcePool, type PoolResource } from '../pool.ts';
import type { OcrText } from './tesseract-pool.ts';
import { ocrTextOfWords, parseTsvWords } from './tsv.ts';

export interface NativeTesseractOptions {
  /** The binary (an absolute path, or a name looked up on PATH). */
  binary: string;
  /** Processes run at once. */
  processes: number;
  /** A page still running after this long is killed and fails (retryable). Default 10 minutes. */
  pageTimeoutMs?: number;
  /** Environment of the processes (default: this process's). */
  env?: NodeJS.ProcessEnv;
}

export interface RecogniseOptions {
  /** The image's resolution, when known (a rendered PDF page): tesseract otherwise guesses it. */
  dpi?: number;
}

const DEFAULT_PAGE_TIMEOUT_MS = 10 * 60_000;
/** What tesseract / leptonica print when the bytes are not an image they can read. */
const UNREADABLE = /pixReadMem|pixRead|cannot be read|Unsupported image type|Error in findFileFormat|image file format/i;

/** One process slot: runs one tesseract process at a time and kills it when closed. */
class TesseractSlot implements PoolResource {
  dead = false;
  private child: ChildProcess | undefined;

  constructor(private readonly options: NativeTesseractOptions) {}

  recognise(image: Buffer, opts: RecogniseOptions, signal?: AbortSignal): Promise<OcrText> {
    signal?.throwIfAborted();
    // tesseract reads stdin that is not an image as a list of file names: only image bytes go there
    if (!isImage(image))
      return Promise.reject(
        new PermanentError('tesseract: the bytes are not a PNG, JPEG, TIFF, BMP or PNM image', { code: 'DP_ERR_FILE_CORRUPT' }),
      );
    const args = ['stdin', 'stdout', '-l', 'eng', ...(opts.dpi ? ['--dpi', String(Math.round(opts.dpi))] : []), 'tsv'];
    const env = { ...(this.options.env ?? process.env), OMP_THREAD_LIMIT: '1' };
    return new Promise<OcrText>((resolve, reject) => {
      const child = spawn(this.options.binary, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
      this.child = child;
      const out: Buffer[] = [];
      let err = '';
      let stopped: Error | undefined;
      const kill = (why: Error) => {
        stopped ??= why;
        if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      };
      const onAbort = () => kill(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
      signal?.addEventListener('abort', onAbort, { once: true });
      const timer = setTimeout(
        () =>
          kill(
            new Error(
              `tesseract: a page took longer than ${Math.round((this.options.pageTimeoutMs ?? DEFAULT_PAGE_TIMEOUT_MS) / 1000)} s; the process was killed`,
            ),
          ),
        this.options.pageTimeoutMs ?? DEFAULT_PAGE_TIMEOUT_MS,
      );
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (this.child === child) this.child = undefined;
      };
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.on('data', (b: Buffer) => {
        if (err.length < 4000) err += b.toString('utf8');
      });
      // the process may exit (unreadable image) before it has read all of stdin
      child.stdin.on('error', () => {});
      child.on('error', (e: NodeJS.ErrnoException) => {
        done();
        reject(
          e.code === 'ENOENT'
            ? new Error(`tesseract binary "${this.options.binary}" not found (install tesseract-ocr and tesseract-ocr-eng)`)
            : e,
        );
      });
      child.on('close', (code, sig) => {
        done();
        if (stopped) return reject(stopped);
        if (code === 0) return resolve(ocrTextOfWords(parseTsvWords(Buffer.concat(out).toString('utf8'))));
        reject(tesseractError(code, sig, err));
      });
      child.stdin.end(image);
    });
  }

  async close(): Promise<void> {
    this.dead = true;
    const child = this.child;
    if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

/** The image formats leptonica reads, by their magic bytes. */
export function isImage(b: Buffer): boolean {
  const hex = b.subarray(0, 4).toString('hex');
  return (
    hex === '89504e47' ||
    hex.startsWith('ffd8ff') ||
    hex === '49492a00' ||
    hex === '4d4d002a' ||
    hex.startsWith('424d') ||
    /^P[1-6]\s/.test(b.subarray(0, 3).toString('latin1'))
  );
}

/** An unreadable image fails the document (permanent); anything else (killed, out of memory) is retryable. */
export function tesseractError(code: number | null, signal: NodeJS.Signals | null, stderr: string): Error {
  const detail = stderr.trim().split('\n').filter(Boolean).slice(-3).join('; ').slice(0, 500);
  if (code !== 0 && UNREADABLE.test(stderr)) {
    return new PermanentError(`tesseract cannot read the image: ${detail}`, { code: 'DP_ERR_FILE_CORRUPT' });
  }
  return new Error(`tesseract ${signal ? `was killed by ${signal}` : `exited with code ${code}`}${detail ? `: ${detail}` : ''}`);
}

export class NativeTesseractPool {
  private readonly pool: ResourcePool<TesseractSlot>;

  constructor(readonly options: NativeTesseractOptions) {
    this.pool = new ResourcePool(options.processes, async () => new TesseractSlot(options));
  }

  recognise(image: Buffer, opts: RecogniseOptions = {}, signal?: AbortSignal): Promise<OcrText> {
    return this.pool.run((slot) => slot.recognise(image, opts, signal), signal);
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
