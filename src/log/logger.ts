import pino, { type Logger } from 'pino';

export type { Logger };

/** Keys never written to logs: document text and secrets. */
const REDACT_PATHS = [
  'text',
  'raw_extracted_text',
  'cleaned_text',
  'content',
  'password',
  'apiKey',
  'api_key',
  'token',
  'authorization',
  '*.text',
  '*.raw_extracted_text',
  '*.cleaned_text',
  '*.password',
  '*.apiKey',
  '*.api_key',
  '*.token',
  '*.authorization',
  'url',
  '*.url',
];

export interface LogOptions {
  level?: string;
  pretty?: boolean;
  destination?: pino.DestinationStream;
}

/** JSON lines on stderr (stdout is for human output: summaries, tables); `pretty` only for humans at a terminal. */
export function createLogger(options: LogOptions = {}): Logger {
  const level = options.level ?? process.env['DOCPIPE_LOG_LEVEL'] ?? 'info';
  const base = { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { pid: process.pid } };
  if (options.destination) return pino(base, options.destination);
  if (options.pretty) {
    return pino(base, prettyStream());
  }
  return pino(base, pino.destination({ dest: 2, sync: false }));
}

/** A minimal human-readable line format (no extra dependency). */
function prettyStream(): pino.DestinationStream {
  const names: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
  return {
    write(line: string) {
      try {
        const { level, time, msg, pid: _pid, hostname: _h, ...rest } = JSON.parse(line) as Record<string, unknown>;
        const t = new Date(Number(time)).toISOString().slice(11, 23);
        const extra = Object.entries(rest)
          .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
          .join(' ');
        process.stderr.write(`${t} ${(names[Number(level)] ?? level)!.toString().padEnd(5)} ${String(msg ?? '')} ${extra}\n`);
      } catch {
        process.stderr.write(line);
      }
    },
  };
}

/** Redacts the password of a connection URL for display. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}
