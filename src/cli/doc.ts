/** `docpipe doc [pipeline.yaml] <document_uuid> [--json]`: a document's state and full history. */
import { EXIT_OK, EXIT_PROBLEM, EXIT_USAGE, splitPipelineArg, withOps, type CommandOutput } from './support.ts';
import { readDocument } from '../ops/doc.ts';
import { formatDocument } from './doc-format.ts';
import { UUID_PATTERN } from '../util/uuid.ts';

export async function docCommand(args: readonly string[], opts: { json?: boolean }, out: CommandOutput): Promise<number> {
  const { file, rest } = splitPipelineArg(args, (s) => UUID_PATTERN.test(s));
  const [uuid, ...extra] = rest;
  if (!uuid || extra.length || !UUID_PATTERN.test(uuid)) {
    out.error(`doc: expected [pipeline.yaml] <document_uuid>, got ${JSON.stringify(args)}`);
    return EXIT_USAGE;
  }
  return withOps(file, out, 'doc', async (ctx) => {
    const doc = await readDocument(ctx, uuid);
    out.log(opts.json ? JSON.stringify(doc, null, 2) : formatDocument(doc));
    return doc.found || doc.history.length ? EXIT_OK : EXIT_PROBLEM;
  });
}
