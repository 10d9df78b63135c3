/**
 * Local OCR with tesseract.js (each worker is a worker thread running the WASM core), always with
 * the English traineddata from @tesseract.js-data/eng and no cache: it never touches the network.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { createWorker, OEM, type Worker } from 'tesseract.js';
import { PermanentError } from '../../../errors.ts';
import { ResourcePool, type PoolResource } from '../pool.ts';

const require = createRequire(import.meta.url);
/** The LSTM "best_int" model: what tesseract.js fetches from its CDN by default, here from disk. */
const TESSERACT_LANG_PATH = path.join(path.dirname(require.resolve('@tesseract.js-data/eng/package.json')), '4.0.0_best_int');

export interface OcrText {
  text: string;
  /** Mean word confidence, 0-100. */
  confidence: number;
}

class TesseractThread implements PoolResource {
  dead = false;
  private readonly deathPromise: Promise<never>;
  private markDead: (err: Error) => void = () => {};

  private constructor(
    private readonly worker: Worker,
    private readonly thread: (NodeJS.EventEmitter & { ref?(): void; unref?(): void }) | undefined,
  ) {
    this.deathPromise = new Promise<never>((_, reject) => {
      this.markDead = (err) => {
        this.dead = true;
        reject(err);
      };
    });
    this.deathPromise.catch(() => {});
  }

  static async start(): Promise<TesseractThread> {
    let onError: (err: Error) => void = () => {};
    const worker = await createWorker('eng', OEM.LSTM_ONLY, {
      langPath: TESSERACT_LANG_PATH,
      cacheMethod: 'none',
      gzip: true,
      // Without it tesseract.js throws from its message handler: an uncaught exception.
      errorHandler: (e: unknown) => onError(new Error(`tesseract: ${String(e)}`)),
    });
    // tesseract.js sets `worker.onerror`, which a node Worker never calls: listen for real.
    const thread = (worker as unknown as { worker?: NodeJS.EventEmitter & { ref?(): void; unref?(): void } }).worker;
    const t = new TesseractThread(worker, thread);
    onError = () => {};
    thread?.unref?.();
    thread?.on('error', (err: Error) => t.markDead(new Error(`tesseract thread failed: ${err.message}`)));
    thread?.on('exit', (code: number) => t.markDead(new Error(`tesseract thread exited (code ${code})`)));
    return t;
  }

  async recognise(image: Buffer): Promise<OcrText> {
    this.thread?.ref?.();
    try {
      const { data } = await Promise.race([this.worker.recognize(image), this.deathPromise]);
      return { text: data.text, confidence: data.confidence };
    } catch (err) {
      // tesseract.js rejects with plain strings; bytes leptonica cannot read fail the document, not the thread
      const message = err instanceof Error ? err.message : String(err);
      if (/attempting to read image/i.test(message))
        throw new PermanentError(`tesseract cannot read the image: ${message}`, { code: 'DP_ERR_FILE_CORRUPT' });
      throw err instanceof Error ? err : new Error(`tesseract: ${message}`);
    } finally {
      this.thread?.unref?.();
    }
  }

  async close(): Promise<void> {
    this.dead = true;
    await this.worker.terminate().catch(() => {});
  }
}

export class TesseractPool {
  private readonly pool: ResourcePool<TesseractThread>;

  constructor(size: number) {
    this.pool = new ResourcePool(size, () => TesseractThread.start());
  }

  recognise(image: Buffer, signal?: AbortSignal): Promise<OcrText> {
    return this.pool.run((t) => t.recognise(image), signal);
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
