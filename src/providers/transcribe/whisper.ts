/**
 * Whisper-compatible transcription through the `openai` client: OpenAI itself, or any server that
 * speaks `POST /v1/audio/transcriptions` (set `base_url`, or OPENAI_BASE_URL in the environment).
 * The API key is read from the environment variable named by `api_key_env`; a local server needs none.
 */
import OpenAI, { toFile } from 'openai';
import type { ProvidersConfig } from '../../config/types.ts';
import { PermanentError } from '../../errors.ts';
import type { Transcriber, Transcript } from '../types.ts';

interface VerboseTranscription {
  text: string;
  language?: string;
  duration?: number;
  segments?: Array<{ start: number; end: number; text: string }>;
}

export function createWhisperTranscriber(settings: ProvidersConfig['transcription']): Transcriber {
  let client: OpenAI | undefined;
  const connect = (): OpenAI => {
    if (client) return client;
    const baseURL = settings.base_url ?? process.env['OPENAI_BASE_URL'];
    const apiKey = process.env[settings.api_key_env] ?? (baseURL ? 'no-key' : undefined);
    if (!apiKey) {
      throw new PermanentError(
        `transcription: set ${settings.api_key_env} (or providers.transcription.base_url for a local Whisper server)`,
        { code: 'DP_ERR_PROVIDER_UNAVAILABLE' },
      );
    }
    client = new OpenAI({ apiKey, baseURL, maxRetries: 3, timeout: 10 * 60_000 });
    return client;
  };
  return {
    name: `whisper:${settings.model}`,
    async transcribe(audio: Buffer, fileName: string, options: { signal?: AbortSignal } = {}): Promise<Transcript> {
      const openai = connect();
      let out: VerboseTranscription;
      try {
        out = (await openai.audio.transcriptions.create(
          { file: await toFile(audio, fileName), model: settings.model, response_format: 'verbose_json' },
          { signal: options.signal },
        )) as VerboseTranscription;
      } catch (err) {
        throw classify(err, fileName);
      }
      return {
        text: out.text ?? '',
        language: out.language,
        durationSeconds: out.duration,
        segments: out.segments?.map((s) => ({ start: s.start, end: s.end, text: s.text })),
      };
    },
  };
}

/** 4xx other than 408/409/429 cannot be fixed by a retry; the rest (5xx, connection) stays retryable. */
function classify(err: unknown, fileName: string): unknown {
  if (err instanceof OpenAI.APIError && typeof err.status === 'number') {
    if (err.status === 401 || err.status === 403) {
      return new PermanentError(`transcription of ${fileName} refused (${err.status}): ${err.message}`, {
        code: 'DP_ERR_PROVIDER_UNAVAILABLE',
        cause: err,
      });
    }
    if (err.status >= 400 && err.status < 500 && ![408, 409, 429].includes(err.status)) {
      return new PermanentError(`transcription of ${fileName} rejected (${err.status}): ${err.message}`, {
        code: 'DP_ERR_FILE_UNSUPPORTED',
        cause: err,
      });
    }
  }
  return err;
}
