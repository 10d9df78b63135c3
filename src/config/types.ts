/** The resolved, frozen pipeline configuration every other module receives. */
export interface RetryPolicy {
  max: number;
  backoff: 'exponential' | 'fixed';
  delayMs: number;
  maxDelayMs: number;
  jitter: boolean;
}

export interface StageConfig {
  name: string;
  index: number;
  /** Handler module as written in the file, and resolved to an absolute path. */
  handlerSpec: string;
  handler: string;
  input: string;
  output: string | undefined;
  stream: string;
  group: string;
  dlq: string;
  concurrency: number;
  batch: number;
  blockMs: number;
  timeoutMs: number;
  idleMs: number;
  maxMessageBytes: number;
  retries: RetryPolicy;
  options: Readonly<Record<string, unknown>>;
}

export interface ProvidersConfig {
  ocr: {
    provider: 'local' | 'textract';
    engine?: 'auto' | 'native' | 'tesseract.js';
    workers?: number;
    region: string;
    endpoint?: string;
    max_pages: number;
    pdf_passwords?: string[];
  };
  llm: {
    provider: 'local' | 'openai';
    base_url?: string;
    model: string;
    api_key_env: string;
    concurrency: number;
    timeoutMs: number;
    second_pass?: 'on' | 'off' | 'sparse';
  };
  transcription: { provider: 'none' | 'openai'; base_url?: string; model: string; api_key_env: string };
}

export interface IntakeConfig {
  from: 'queue';
  batch: number;
  pollMs: number;
  maxBacklog: number;
  stuckAfterMs: number;
}

export interface PipelineConfig {
  file: string;
  dir: string;
  name: string;
  pipelineVersion: string;
  prefix: string;
  redis: { url: string; cluster: boolean | string[] };
  store: { url: string; dataDir: string; pool: number };
  intake: IntakeConfig | undefined;
  files: { allowedRoots: string[]; maxBytes: number };
  providers: ProvidersConfig;
  state: {
    ttlMs: number;
    history: number;
    /** Where a completed document's history stays: packed into its hash (one key) or its stream. */
    historyAfterFinish: 'packed' | 'stream';
  };
  stages: StageConfig[];
  /** The terminal stream; acknowledged entries are kept `retentionMs` (and at most `maxLength`, when set). */
  completed: { stream: string; schema: string | undefined; retentionMs: number; maxLength: number | undefined };
}
