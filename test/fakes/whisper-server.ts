/**
 * A local fake of OpenAI's Whisper endpoint: multipart `POST /v1/audio/transcriptions` with
 * `file`, `model` and `response_format` fields, answering `verbose_json` as OpenAI does.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface WhisperRequest {
  model: string;
  responseFormat: string;
  fileName: string;
  fileBytes: number;
  authorization: string | undefined;
}

export interface FakeWhisper {
  baseURL: string;
  requests: WhisperRequest[];
  close(): Promise<void>;
}

export async function startFakeWhisper(options: { text?: string; status?: number } = {}): Promise<FakeWhisper> {
  const requests: WhisperRequest[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      if (req.method !== 'POST' || req.url !== '/v1/audio/transcriptions') {
        res.writeHead(404, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ error: { message: 'not found', type: 'invalid_request_error' } }));
      }
      const form = await new Request('http://fake/', {
        method: 'POST',
        headers: { 'content-type': String(req.headers['content-type']) },
        body: Buffer.concat(chunks),
      }).formData();
      const file = form.get('file');
      if (!(file instanceof Blob)) {
        res.writeHead(400, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ error: { message: 'file is required', type: 'invalid_request_error' } }));
      }
      const fileName = (file as Blob & { name?: string }).name ?? '';
      requests.push({
        model: String(form.get('model')),
        responseFormat: String(form.get('response_format')),
        fileName,
        fileBytes: file.size,
        authorization: req.headers['authorization'],
      });
      if (options.status && options.status >= 400) {
        res.writeHead(options.status, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ error: { message: 'Invalid file format.', type: 'invalid_request_error' } }));
      }
      const text = options.text ?? `Transcript of ${fileName} (${file.size} bytes): may it please the court.`;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ task: 'transcribe', language: 'english', duration: 15.1, text, segments: [{ id: 0, start: 0, end: 15.1, text }] }),
      );
    })().catch((err: unknown) => {
      res.writeHead(500);
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { baseURL: `http://127.0.0.1:${port}/v1`, requests, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
