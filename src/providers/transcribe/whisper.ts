import type { ProvidersConfig } from '../../config/types.ts';
import type { Transcriber } from '../types.ts';

/** Whisper-compatible transcription (placeholder until the ocr stage work lands). */
export function createWhisperTranscriber(_settings: ProvidersConfig['transcription']): Transcriber {
  throw new Error('the Whisper transcription provider is not implemented yet');
}
