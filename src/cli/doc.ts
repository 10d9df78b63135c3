/** `docpipe doc [pipeline.yaml] <document_uuid> [--json]`: a document's state and full history. */
import { EXIT_OK, EXIT_PROBLEM, EXIT_USAGE, splitPipelineArg, withOps, type CommandOutput } from './support.ts';
import { readDocument } from '../ops/doc.ts';
import { formatDocument } from './doc-format.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function docCommand(args: readonly string[], opts: { json?: boolean }, out: CommandOutput): Promise<number> {
  const { file, rest } = splitPipelineArg(args, (s) => UUID.test(s));
  const [uuid, ...extra] = rest;
  if (!uuid || extra.length || !UUID.test(uuid)) {
    out.error(`doc: expected [pipeline.yaml] <document_uuid>, got ${JSON.stringify(args)}`);
    return EXIT_USAGE;
  }
  return withOps(file, out, 'doc', async (ctx) => {
    const doc = await readDocument(ctx, uuid);
    out.log(opts.json ? JSON.stringify(doc, null, 2) : formatDocument(doc));
    return doc.found || doc.history.length ? EXIT_OK : EXIT_PROBLEM;
  });
}
