/**
 * `docpipe doc [pipeline.yaml] <document_uuid | uuid prefix | file name> [--json]`: a document's
 * state and full history. A full uuid is read directly; anything else is searched (the start of a
 * uuid, or part of a file name): one match is shown, several are listed (exit 2: name it more
 * precisely), none is exit 1.
 */
import { EXIT_OK, EXIT_PROBLEM, EXIT_USAGE, withOps, type CommandOutput } from './support.ts';
import { readDocument } from '../ops/doc.ts';
import { listDocuments } from '../ops/documents.ts';
import { formatDocument, formatMatches } from './doc-format.ts';
import { UUID_PATTERN as UUID } from '../util/uuid.ts';

/** Matches listed when a query names several documents. */
const LIST_LIMIT = 50;

export async function docCommand(args: readonly string[], opts: { json?: boolean }, out: CommandOutput): Promise<number> {
  const [file, query] = args.length === 2 ? [args[0], args[1]] : [undefined, args[0]];
  if (args.length === 0 || args.length > 2 || !query?.trim()) {
    out.error(`doc: expected [pipeline.yaml] <document_uuid | uuid prefix | file name>, got ${JSON.stringify(args)}`);
    return EXIT_USAGE;
  }
  return withOps(file, out, 'doc', async (ctx) => {
    let uuid = UUID.test(query.trim()) ? query.trim() : undefined;
    if (!uuid) {
      const found = await listDocuments(ctx, { q: query, limit: LIST_LIMIT });
      if (found.matched === 0) {
        if (opts.json) out.log(JSON.stringify(found, null, 2));
        else out.error(`doc: no document matches "${query}" (the start of a uuid, or part of a file name)`);
        return EXIT_PROBLEM;
      }
      if (found.matched > 1) {
        out.log(opts.json ? JSON.stringify(found, null, 2) : formatMatches(query, found));
        return EXIT_USAGE;
      }
      uuid = found.documents[0]!.document_uuid;
    }
    const doc = await readDocument(ctx, uuid);
    out.log(opts.json ? JSON.stringify(doc, null, 2) : formatDocument(doc));
    return doc.found || doc.history.length ? EXIT_OK : EXIT_PROBLEM;
  });
}
