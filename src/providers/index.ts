/** Builds the providers a process hands to its stages, from the pipeline's `providers` and `files`. */
import type { PipelineConfig } from '../config/types.ts';
import type { LlmCache } from './llm/cache.ts';
import { LocalFileSource, type FileSourceOptions } from './files.ts';
import { createOpenAiLlm } from './llm/openai.ts';
import { createWhisperTranscriber } from './transcribe/whisper.ts';
import type { Providers } from './types.ts';

export * from './types.ts';
export { detectFileType, type DetectedType } from './detect.ts';
export { LocalFileSource } from './files.ts';

export type { LlmCache } from './llm/cache.ts';

export interface ProviderOptions {
  /** Where the LLM client caches its answers (store/llm-cache.ts `sqlLlmCache(sql)`). */
  llmCache?: LlmCache;
  /** Extra allowed roots (the folders given to `--input`). */
  extraRoots?: readonly string[];
  remote?: FileSourceOptions['remote'];
}

export function createProviders(config: Pick<PipelineConfig, 'providers' | 'files'>, options: ProviderOptions = {}): Providers {
  const settings = config.providers;
  return {
    settings,
    files: new LocalFileSource({
      allowedRoots: [...config.files.allowedRoots, ...(options.extraRoots ?? [])],
      maxBytes: config.files.maxBytes,
      remote: options.remote,
    }),
    llm: settings.llm.provider === 'openai' ? createOpenAiLlm(settings.llm, options.llmCache) : undefined,
    transcriber: settings.transcription.provider === 'openai' ? createWhisperTranscriber(settings.transcription) : undefined,
  };
}
