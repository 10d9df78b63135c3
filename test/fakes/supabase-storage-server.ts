/**
 * A local fake of the Supabase Storage HTTP API, enough for supabase-js 2.109 `storage.from(b).download(k)`:
 * `GET /storage/v1/object/<bucket>/<key>` with `Authorization: Bearer <service key>` (and `apikey`).
 * Missing objects answer 404 with Storage's JSON error body; a wrong key answers 403 (as Storage does
 * for an invalid JWT: 400/403 with `statusCode` "403"). Objects under key prefix `legacy-404/` answer
 * HTTP 400 with body statusCode "404", as older Storage servers did. `/fail-500/` keys answer 500.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeStorage {
  /** Base URL to use as SUPABASE_URL. */
  url: string;
  key: string;
  /** Every request seen: method, decoded path, headers. */
  requests: Array<{ method: string; path: string; authorization: string | undefined; apikey: string | undefined }>;
  put(bucket: string, key: string, bytes: Buffer): void;
  close(): Promise<void>;
}

export async function startFakeStorage(options: { key?: string } = {}): Promise<FakeStorage> {
  const key = options.key ?? 'service-role-key-for-tests';
  const objects = new Map<string, Buffer>();
  const requests: FakeStorage['requests'] = [];
  const json = (res: http.ServerResponse, status: number, body: Record<string, unknown>) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = decodeURIComponent(url.pathname);
    requests.push({
      method: req.method ?? '',
      path,
      authorization: req.headers.authorization,
      apikey: req.headers['apikey'] as string | undefined,
    });
    const m = /^\/storage\/v1\/object\/([^/]+)\/(.+)$/.exec(path);
    if (req.method !== 'GET' || !m) return json(res, 404, { statusCode: '404', error: 'not_found', message: 'Route not found' });
    if (req.headers.authorization !== `Bearer ${key}`)
      return json(res, 403, { statusCode: '403', error: 'Unauthorized', message: 'invalid signature' });
    const [, bucket, objectKey] = m as unknown as [string, string, string];
    if (objectKey.startsWith('fail-500/'))
      return json(res, 500, { statusCode: '500', error: 'internal', message: 'storage backend error' });
    const bytes = objects.get(`${bucket}/${objectKey}`);
    if (!bytes) {
      if (objectKey.startsWith('legacy-404/'))
        return json(res, 400, { statusCode: '404', error: 'not_found', message: 'Object not found' });
      return json(res, 404, { statusCode: '404', error: 'not_found', message: 'Object not found' });
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(bytes.length) });
    res.end(bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    key,
    requests,
    put(bucket, objectKey, bytes) {
      objects.set(`${bucket}/${objectKey}`, bytes);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
