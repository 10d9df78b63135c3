/** Audio (.mp3, .wav, .m4a): transcribed by the configured Whisper-compatible transcriber. */
import { PermanentError } from '../../errors.ts';
import type { Transcriber } from '../types.ts';
import { countChars, type ExtractResult } from './types.ts';

export async function extractAudio(
  bytes: Buffer,
  name: string,
  transcriber: Transcriber | undefined,
  signal?: AbortSignal,
): Promise<ExtractResult> {
  if (!transcriber) {
    throw new PermanentError(
      `${name}: audio needs a transcription provider; set providers.transcription.provider: openai (and base_url for a local Whisper server)`,
      { code: 'DP_ERR_PROVIDER_UNAVAILABLE' },
    );
  }
  const t = await transcriber.transcribe(bytes, name, { signal });
  const text = t.text.trim();
  return {
    text,
    pages: [{ page: 1, method: 'transcription', chars: countChars(text), confidence: 100 }],
    pageCount: 1,
    provider: 'whisper',
    metadata: {
      audio: {
        transcriber: transcriber.name,
        language: t.language ?? null,
        duration_seconds: t.durationSeconds ?? null,
        segments: (t.segments ?? []).map((s) => ({ start: s.start, end: s.end, text: s.text })),
      },
    },
  };
}
