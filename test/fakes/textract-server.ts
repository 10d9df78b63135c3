/**
 * A local fake of AWS Textract speaking the real JSON 1.1 protocol: `POST /` with
 * `X-Amz-Target: Textract.<Operation>` and `application/x-amz-json-1.1` bodies; errors carry
 * `__type` and `x-amzn-ErrorType` as AWS sends them. It cannot read images: each page's text is
 * produced by `linesFor` (by default a line naming the document kind and size).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TextractRequest {
  target: string;
  contentType: string | undefined;
  authorization: string | undefined;
  body: Record<string, unknown>;
}

export interface FakeTextractOptions {
  /** Answer the first N requests with ThrottlingException (400). */
  throttle?: number;
  /** Answer the next N requests with a 500 InternalServerError (after any throttling). */
  serverErrors?: number;
  /** Lines of text for a DetectDocumentText document (bytes decoded from base64). */
  linesFor?(bytes: Buffer): string[];
  /** Asynchronous jobs: pages of lines per s3 object, polls answered IN_PROGRESS first, blocks per response. */
  s3Pages?(bucket: string, key: string): string[][];
  inProgressPolls?: number;
  blocksPerResponse?: number;
  failJobs?: boolean;
}

export interface FakeTextract {
  endpoint: string;
  requests: TextractRequest[];
  options: FakeTextractOptions;
  close(): Promise<void>;
}

type Block = Record<string, unknown>;

function pageBlocks(lines: string[], page: number): Block[] {
  const blocks: Block[] = [{ BlockType: 'PAGE', Id: `p${page}`, Page: page, Geometry: geometry(0, 0, 1, 1) }];
  lines.forEach((text, i) => {
    const top = (i + 1) / (lines.length + 2);
    blocks.push({
      BlockType: 'LINE',
      Id: `p${page}l${i}`,
      Page: page,
      Text: text,
      Confidence: 99.1,
      Geometry: geometry(0.1, top, 0.8, 0.02),
    });
    text.split(/\s+/).forEach((w, j) =>
      blocks.push({
        BlockType: 'WORD',
        Id: `p${page}l${i}w${j}`,
        Page: page,
        Text: w,
        Confidence: 98.7,
        TextType: 'PRINTED',
        Geometry: geometry(0.1 + j * 0.05, top, 0.04, 0.02),
      }),
    );
  });
  return blocks;
}

function geometry(left: number, top: number, width: number, height: number) {
  return {
    BoundingBox: { Left: left, Top: top, Width: width, Height: height },
    Polygon: [
      { X: left, Y: top },
      { X: left + width, Y: top },
      { X: left + width, Y: top + height },
      { X: left, Y: top + height },
    ],
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startFakeTextract(options: FakeTextractOptions = {}): Promise<FakeTextract> {
  const requests: TextractRequest[] = [];
  const jobs = new Map<string, { blocks: Block[]; polls: number }>();
  let jobSeq = 0;
  const server: Server = createServer((req, res) => {
    void (async () => {
      const raw = await readBody(req);
      const target = String(req.headers['x-amz-target'] ?? '');
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      requests.push({ target, contentType: req.headers['content-type'], authorization: req.headers['authorization'], body });
      const send = (status: number, payload: unknown, errorType?: string) => {
        res.writeHead(status, {
          'content-type': 'application/x-amz-json-1.1',
          'x-amzn-requestid': `req-${requests.length}`,
          ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
        });
        res.end(JSON.stringify(payload));
      };
      const error = (status: number, type: string, message: string) => send(status, { __type: type, message }, type);
      if (req.method !== 'POST' || req.url !== '/') return error(404, 'UnknownOperationException', 'not found');
      if (!String(req.headers['content-type']).startsWith('application/x-amz-json-1.1'))
        return error(400, 'SerializationException', 'bad content type');
      if ((options.throttle ?? 0) > 0) {
        options.throttle = (options.throttle ?? 1) - 1;
        return error(400, 'ThrottlingException', 'Rate exceeded');
      }
      if ((options.serverErrors ?? 0) > 0) {
        options.serverErrors = (options.serverErrors ?? 1) - 1;
        return error(500, 'InternalServerError', 'Internal server error');
      }
      switch (target) {
        case 'Textract.DetectDocumentText': {
          const doc = body['Document'] as { Bytes?: string } | undefined;
          if (!doc?.Bytes) return error(400, 'InvalidParameterException', 'Document.Bytes is required');
          const bytes = Buffer.from(doc.Bytes, 'base64');
          const lines = options.linesFor?.(bytes) ?? [
            `FAKE TEXTRACT ${bytes
              .subarray(0, 4)
              .toString('latin1')
              .replace(/[^\x20-\x7e]/g, '?')} DOCUMENT`,
            `${bytes.length} bytes`,
          ];
          return send(200, { DocumentMetadata: { Pages: 1 }, Blocks: pageBlocks(lines, 1), DetectDocumentTextModelVersion: '1.0' });
        }
        case 'Textract.StartDocumentTextDetection': {
          const s3 = (body['DocumentLocation'] as { S3Object?: { Bucket?: string; Name?: string } } | undefined)?.S3Object;
          if (!s3?.Bucket || !s3.Name) return error(400, 'InvalidParameterException', 'DocumentLocation.S3Object is required');
          const pages = options.s3Pages?.(s3.Bucket, s3.Name) ?? [[`page one of ${s3.Name}`], [`page two of ${s3.Name}`]];
          const jobId = `job-${++jobSeq}`;
          jobs.set(jobId, { blocks: pages.flatMap((lines, i) => pageBlocks(lines, i + 1)), polls: 0 });
          return send(200, { JobId: jobId });
        }
        case 'Textract.GetDocumentTextDetection': {
          const job = jobs.get(String(body['JobId']));
          if (!job) return error(400, 'InvalidJobIdException', 'unknown job');
          if (job.polls++ < (options.inProgressPolls ?? 0)) return send(200, { JobStatus: 'IN_PROGRESS' });
          if (options.failJobs) return send(200, { JobStatus: 'FAILED', StatusMessage: 'unsupported document' });
          const start = Number(body['NextToken'] ?? 0);
          const size = options.blocksPerResponse ?? 1000;
          const next = start + size < job.blocks.length ? String(start + size) : undefined;
          const pages = Math.max(...job.blocks.map((b) => Number(b['Page'])));
          return send(200, {
            JobStatus: 'SUCCEEDED',
            DocumentMetadata: { Pages: pages },
            Blocks: job.blocks.slice(start, start + size),
            ...(next ? { NextToken: next } : {}),
          });
        }
        default:
          return error(400, 'UnknownOperationException', `unknown operation ${target}`);
      }
    })().catch((err: unknown) => {
      res.writeHead(500);
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    options,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
