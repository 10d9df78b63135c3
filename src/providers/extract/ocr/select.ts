/**
 * Which local OCR engine a process uses (`providers.ocr.engine`): the native `tesseract` binary
 * when it and its English data are installed, tesseract.js (WASM, bundled) otherwise. `native`
 * without the binary is a start-up error naming the packages to install.
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { DocpipeError } from '../../../errors.ts';

export type OcrEngineSetting = 'auto' | 'native' | 'tesseract.js';
export type LocalOcrEngineName = 'native' | 'tesseract.js';

export const TESSERACT_PACKAGES = 'tesseract-ocr and tesseract-ocr-eng';

export interface TesseractInstall {
  binary: string;
  /** `tesseract --version`'s first line, e.g. "tesseract 5.3.0"; undefined when it does not run. */
  version?: string;
  /** Why the native engine cannot be used (binary missing, no English data). */
  problem?: string;
}

const cache = new Map<string, TesseractInstall>();

/** Runs `tesseract --version` and `--list-langs` on the given PATH (once per PATH and process). */
export function detectTesseract(env: NodeJS.ProcessEnv = process.env, binary = 'tesseract'): TesseractInstall {
  const key = `${binary}\0${env['PATH'] ?? ''}`;
  const known = cache.get(key);
  if (known) return known;
  const found = probe(env, binary);
  cache.set(key, found);
  return found;
}

function probe(env: NodeJS.ProcessEnv, binary: string): TesseractInstall {
  const run = (arg: string) => execFileSync(binary, [arg], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 });
  let version: string;
  try {
    version = run('--version').split('\n')[0]?.trim() ?? '';
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    return {
      binary,
      problem: missing
        ? `the tesseract binary is not installed (no "${binary}" on PATH)`
        : `"${binary} --version" failed: ${(err as Error).message.split('\n')[0]}`,
    };
  }
  try {
    const langs = run('--list-langs')
      .split('\n')
      .map((l) => l.trim());
    if (!langs.includes('eng')) return { binary, version, problem: `${version} has no English language data (eng)` };
  } catch (err) {
    return { binary, version, problem: `"${binary} --list-langs" failed: ${(err as Error).message.split('\n')[0]}` };
  }
  return { binary, version };
}

/** The engine for a setting and what is installed; `native` without a usable binary throws. */
export function chooseOcrEngine(setting: OcrEngineSetting | undefined, install: () => TesseractInstall): LocalOcrEngineName {
  if (setting === 'tesseract.js') return 'tesseract.js';
  const found = install();
  if (!found.problem) return 'native';
  if (setting === 'native') {
    throw new DocpipeError(
      'config',
      'DP_ERR_PROVIDER_UNAVAILABLE',
      `providers.ocr.engine is native but ${found.problem}: install Debian's ${TESSERACT_PACKAGES} (apt-get install ${TESSERACT_PACKAGES.replace(' and ', ' ')}), or set providers.ocr.engine to auto or tesseract.js`,
    );
  }
  return 'tesseract.js';
}

/** OCR processes or threads per process: `providers.ocr.workers`, else one per core for the native engine and 2 for tesseract.js. */
export function ocrWorkers(workers: number | undefined, engine: LocalOcrEngineName | 'textract'): number {
  if (workers !== undefined) return workers;
  return engine === 'native' ? Math.min(16, os.availableParallelism()) : 2;
}
