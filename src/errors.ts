/**
 * Every error docpipe raises carries a `kind` (how the runtime reacts) and a stable `code`
 * (`DP_ERR_<AREA>_<WHAT>`, listed in the README). The runtime decides by kind, never by message text.
 */
export type ErrorKind = 'retryable' | 'permanent' | 'invalid-message' | 'infrastructure' | 'config';

export const ErrorCodes = {
  DP_ERR_CONFIG_INVALID: 'The pipeline file does not validate; every problem is listed as file:line:col.',
  DP_ERR_CONFIG_UNREADABLE: 'The pipeline file cannot be read.',
  DP_ERR_STAGE_HANDLER: 'A handler module cannot be loaded or does not export a stage.',
  DP_ERR_MESSAGE_INVALID: 'A stream entry fails its stage input schema, the envelope checks or the size limit.',
  DP_ERR_MESSAGE_OUTPUT_INVALID: "A handler's output fails the next stage's input schema.",
  DP_ERR_HANDLER_FAILED: 'A handler threw an ordinary (retryable) error.',
  DP_ERR_HANDLER_PERMANENT: 'A handler threw PermanentError: a retry cannot fix it.',
  DP_ERR_HANDLER_TIMEOUT: "A handler ran past its stage's `timeout`.",
  DP_ERR_RETRIES_EXHAUSTED: 'A message failed on its last allowed attempt.',
  DP_ERR_WORKER_CRASHED: 'A message was reclaimed from dead workers more times than its attempts allow.',
  DP_ERR_STATE_ILLEGAL: 'An event was not legal in the document state; it was rejected and counted.',
  DP_ERR_REDIS_UNAVAILABLE: 'Redis cannot be reached; workers pause and resume.',
  DP_ERR_STORE_UNAVAILABLE: 'Postgres cannot be reached; workers pause and resume.',
  DP_ERR_FILE_OUTSIDE_ROOTS: '`file_path` points outside `files.allowed_roots`.',
  DP_ERR_FILE_NOT_FOUND: 'The source file does not exist.',
  DP_ERR_FILE_TOO_LARGE: 'The source file is larger than `files.max_bytes`.',
  DP_ERR_FILE_UNSUPPORTED: 'The file type is not supported.',
  DP_ERR_FILE_CORRUPT: 'The file is corrupt or hostile (zip bomb, too many pages).',
  DP_ERR_FILE_ENCRYPTED: 'The PDF is password-protected and no password in `providers.ocr.pdf_passwords` opens it.',
  DP_ERR_PROVIDER_UNAVAILABLE: 'A provider (OCR, LLM, transcription) is not configured or unreachable.',
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

export class DocpipeError extends Error {
  readonly kind: ErrorKind;
  readonly code: ErrorCode;
  constructor(kind: ErrorKind, code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DocpipeError';
    this.kind = kind;
    this.code = code;
  }
}

/** Thrown by a handler for what a retry cannot fix (unsupported or corrupt file…): dead-lettered at once. */
export class PermanentError extends DocpipeError {
  constructor(message: string, options?: { cause?: unknown; code?: ErrorCode }) {
    super('permanent', options?.code ?? 'DP_ERR_HANDLER_PERMANENT', message, options);
    this.name = 'PermanentError';
  }
}

/** Thrown when a message (input, or a handler's output) is not valid; dead-lettered at once. */
export class InvalidMessageError extends DocpipeError {
  constructor(message: string, options?: { cause?: unknown; code?: ErrorCode }) {
    super('invalid-message', options?.code ?? 'DP_ERR_MESSAGE_INVALID', message, options);
    this.name = 'InvalidMessageError';
  }
}

/** Redis or Postgres went away: the runtime pauses and retries without charging an attempt. */
export class InfrastructureError extends DocpipeError {
  constructor(message: string, options?: { cause?: unknown; code?: ErrorCode }) {
    super('infrastructure', options?.code ?? 'DP_ERR_REDIS_UNAVAILABLE', message, options);
    this.name = 'InfrastructureError';
  }
}

export interface ClassifiedError {
  kind: ErrorKind;
  code: ErrorCode;
  message: string;
}

/**
 * postgres.js connection codes, SQLSTATE classes 08 (connection) / 57P (shutdown), and raw socket
 * errors (a terminated Postgres session surfaces as ECONNRESET; HTTP clients such as openai wrap
 * theirs): the store went away, which pauses the worker instead of costing an attempt.
 */
const STORE_DOWN_CODES = new Set([
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  '57P01',
  '57P02',
  '57P03',
  'ECONNRESET',
  'EPIPE',
  'ECONNREFUSED',
]);

/** Maps anything a handler (or a dependency) throws to a kind and code. Unknown errors are retryable. */
export function classifyError(err: unknown): ClassifiedError {
  if (err instanceof DocpipeError) return { kind: err.kind, code: err.code, message: err.message };
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && (STORE_DOWN_CODES.has(code) || code.startsWith('08'))) {
    return { kind: 'infrastructure', code: 'DP_ERR_STORE_UNAVAILABLE', message };
  }
  return { kind: 'retryable', code: 'DP_ERR_HANDLER_FAILED', message };
}
