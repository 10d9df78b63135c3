/**
 * Supabase Storage as a file source: `supabase://<bucket>/<key>` is downloaded with
 * `@supabase/supabase-js` (Storage API `GET <SUPABASE_URL>/storage/v1/object/<bucket>/<key>`), using
 * SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY. Pass the reader as `remote.supabase` to createProviders.
 */
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { InvalidMessageError, PermanentError } from '../errors.ts';

export type RemoteReader = (location: string, signal?: AbortSignal) => Promise<Buffer>;

export interface SupabaseLocation {
  bucket: string;
  key: string;
}

/** `supabase://bucket/folder/file.pdf` → { bucket: 'bucket', key: 'folder/file.pdf' }. */
export function parseSupabaseLocation(location: string): SupabaseLocation {
  const m = /^supabase:\/\/([^/]+)\/(.+)$/.exec(location);
  const bucket = m?.[1];
  const key = m?.[2];
  if (!bucket || !key || key.endsWith('/') || location.includes('\0')) {
    throw new InvalidMessageError(`file_path "${location}" is not a supabase://bucket/key location`, { code: 'DP_ERR_MESSAGE_INVALID' });
  }
  return { bucket, key };
}

/** The reader, or undefined when SUPABASE_URL / SUPABASE_SERVICE_ROLE_KEY are not both set. */
export function createSupabaseReader(env: Readonly<Record<string, string | undefined>> = process.env): RemoteReader | undefined {
  const url = env['SUPABASE_URL'];
  const key = env['SUPABASE_SERVICE_ROLE_KEY'];
  if (!url || !key) return undefined;
  let client: SupabaseClient | undefined;
  return async (location, signal) => {
    const { bucket, key: objectKey } = parseSupabaseLocation(location);
    // On Node 20 createClient throws without an explicit WebSocket transport for Realtime (unused here).
    client ??= createClient(url, key, {
      realtime: {
        transport: WebSocket as unknown as NonNullable<NonNullable<Parameters<typeof createClient>[2]>['realtime']>['transport'],
      },
      auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    });
    let result: Awaited<ReturnType<ReturnType<SupabaseClient['storage']['from']>['download']>>;
    try {
      result = await client.storage.from(bucket).download(objectKey, undefined, signal ? { signal } : undefined);
    } catch (err) {
      if (signal?.aborted) throw err;
      throw new Error(`supabase storage unreachable for ${location}: ${(err as Error).message}`, { cause: err });
    }
    if (result.error) throw storageError(location, result.error);
    return Buffer.from(await result.data.arrayBuffer());
  };
}

/** Missing objects and refused credentials are permanent (a retry cannot fix them); the rest is retryable. */
function storageError(location: string, error: Error & { status?: number; statusCode?: string }): Error {
  const status = error.status ?? 0;
  const code = String(error.statusCode ?? '');
  // Storage answers a missing object with 404, or (older servers) 400 with statusCode "404" / error "not_found".
  if (status === 404 || code === '404' || code === 'not_found' || /not.?found/i.test(error.message)) {
    return new PermanentError(`${location}: object not found in Supabase Storage (${error.message})`, {
      code: 'DP_ERR_FILE_NOT_FOUND',
      cause: error,
    });
  }
  if (status === 401 || status === 403 || code === '401' || code === '403') {
    return new PermanentError(`${location}: Supabase Storage refused the credentials (HTTP ${status}: ${error.message})`, {
      code: 'DP_ERR_PROVIDER_UNAVAILABLE',
      cause: error,
    });
  }
  return new Error(`${location}: Supabase Storage error (HTTP ${status || '?'}: ${error.message})`, { cause: error });
}
