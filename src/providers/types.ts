/**
 * Provider interfaces stages program against. Each has a local default that works offline and a
 * cloud implementation; stages receive them through the handler context, never construct clients.
 */
import type { Span } from '@opentelemetry/api';
import type { ProvidersConfig } from '../config/types.ts';

export interface SourceFile {
  /** The bytes of the file (already size-checked). */
  bytes: Buffer;
  /** Base name, e.g. `contract.pdf`. */
  name: string;
  /** Where it came from: an absolute local path, `s3://…` or `supabase://…`. */
  location: string;
}

/** Reads source files from the configured roots (`file://`, plain paths), `s3://` and `supabase://`. */
export interface FileSource {
  read(filePath: string, options?: { signal?: AbortSignal }): Promise<SourceFile>;
  /** Resolves a local path and checks it lies under an allowed root; throws InvalidMessageError when not. */
  resolveLocal(filePath: string): string;
}

export interface LlmJsonRequest {
  /** Instructions (the prompt-injection guard is added by the client). */
  system: string;
  /** The document material. */
  user: string;
  /** JSON Schema the answer must satisfy (structured output). */
  schema: Record<string, unknown>;
  schemaName: string;
  /**
   * Checks a schema-valid answer against the material (e.g. every span found in the text): an answer
   * it rejects (returns the reason) is still returned, but never stored in the response cache.
   */
  check?: (answer: unknown) => string | undefined;
  /** Adds this request's spending (requests, tokens, re-asks, cache hits) to the given counters. */
  usage?: LlmUsage;
  /** A looser schema the answer is validated against (default `schema`), e.g. accepting answers of an older shape. */
  accepts?: Record<string, unknown>;
  signal?: AbortSignal;
  /** The span the request's `llm chat` spans hang under (a handler's `ctx.llm` sets the attempt's). */
  span?: Span | undefined;
}

/** What LLM requests spent: HTTP requests sent, tokens (from the responses' usage), re-asks, cache hits. */
export interface LlmUsage {
  requests: number;
  promptTokens: number;
  completionTokens: number;
  reasks: number;
  cacheHits: number;
}

export function emptyUsage(): LlmUsage {
  return { requests: 0, promptTokens: 0, completionTokens: 0, reasks: 0, cacheHits: 0 };
}

/** An OpenAI-compatible chat model with structured output; absent when the pipeline runs locally. */
export interface LlmClient {
  readonly model: string;
  /** Totals of this client (one per process) since it was created. */
  readonly usage?: LlmUsage;
  json<T>(request: LlmJsonRequest): Promise<T>;
}

export interface Transcript {
  text: string;
  language?: string;
  durationSeconds?: number;
  segments?: Array<{ start: number; end: number; text: string }>;
}

export interface Transcriber {
  readonly name: string;
  transcribe(audio: Buffer, fileName: string, options?: { signal?: AbortSignal }): Promise<Transcript>;
}

export interface Providers {
  readonly settings: ProvidersConfig;
  readonly files: FileSource;
  /** Undefined when `providers.llm.provider` is `local`. */
  readonly llm: LlmClient | undefined;
  /** Undefined when `providers.transcription.provider` is `none`. */
  readonly transcriber: Transcriber | undefined;
}
