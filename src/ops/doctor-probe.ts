import type { PipelineConfig } from '../config/types.ts';
import { redactUrl } from '../log/logger.ts';
import type { RedisClient } from '../streams/redis.ts';
import postgres from 'postgres';
import { pendingMigrations } from '../store/db.ts';
import { detectTesseract } from '../providers/extract/ocr/select.ts';
import { parseInfo, redisFactsFromInfo, type OcrFacts, type RedisFacts, type StoreFacts } from './doctor.ts';

/** Reads INFO (and, when allowed, CONFIG GET appendfsync / save). */
export async function probeRedis(redis: RedisClient): Promise<RedisFacts> {
  const info = parseInfo(await redis.info());
  const config: Record<string, string> = {};
  for (const key of ['appendfsync', 'save']) {
    try {
      const reply = (await redis.call('CONFIG', 'GET', key)) as string[];
      if (reply.length >= 2) config[key] = reply[1]!;
    } catch {
      // CONFIG disabled (managed Redis): INFO is enough for the essential checks
    }
  }
  return redisFactsFromInfo(info, config);
}

/** Connects to the pipeline's Postgres (a postgres:// store) and lists migrations not applied. */
export async function probeStore(config: PipelineConfig): Promise<StoreFacts> {
  const url = config.store.url;
  if (url === 'none') return { kind: 'none' };
  if (url === 'embedded') return { kind: 'embedded' };
  const shown = redactUrl(url);
  const sql = postgres(url, { max: 1, connect_timeout: 5, onnotice: () => {} });
  try {
    const [row] = await sql<{ v: string }[]>`SELECT current_setting('server_version') AS v`;
    const pending = await pendingMigrations(sql);
    return { kind: 'postgres', url: shown, pending, serverVersion: row ? `PostgreSQL ${row.v}` : undefined };
  } catch (err) {
    return { kind: 'postgres', url: shown, error: redactSecrets((err as Error).message, url) };
  } finally {
    await sql.end({ timeout: 2 }).catch(() => undefined);
  }
}

/** Error messages may repeat the connection string: never print its password. */
export function redactSecrets(message: string, url: string): string {
  try {
    const u = new URL(url);
    if (!u.password) return message;
    return message.split(decodeURIComponent(u.password)).join('***').split(u.password).join('***');
  } catch {
    return message;
  }
}

/** The tesseract binary on PATH and the OCR settings (no engine is started). */
export function probeOcr(config: PipelineConfig): OcrFacts {
  const ocr = config.providers.ocr;
  const setting = ocr.engine ?? 'auto';
  if (ocr.provider === 'textract') return { provider: 'textract', setting, binary: 'tesseract' };
  const found = detectTesseract();
  return {
    provider: 'local',
    setting,
    binary: found.binary,
    ...(found.version ? { version: found.version } : {}),
    ...(found.problem ? { problem: found.problem } : {}),
  };
}
