/** `docpipe dlq [pipeline.yaml] list|show|redrive|purge [--stage s] [--id id,…|--all] [--json]`. */
import { EXIT_OK, EXIT_PROBLEM, EXIT_USAGE, splitPipelineArg, withOps, type CommandOutput } from './support.ts';
import { findDeadLetter, listDeadLetters, purge, redrive, type Selection } from '../ops/dlq.ts';
import { formatAction, formatDeadLetter, formatDeadLetters } from './dlq-format.ts';

const DLQ_ACTIONS = ['list', 'show', 'redrive', 'purge'] as const;
type Action = (typeof DLQ_ACTIONS)[number];

export interface DlqOptions {
  stage?: string;
  /** Entry ids, comma separated (also accepted as arguments after the action). */
  id?: string | string[];
  all?: boolean;
  json?: boolean;
  /** Entries listed per stage (default 100). */
  limit?: string;
}

export async function dlqCommand(args: readonly string[], opts: DlqOptions, out: CommandOutput): Promise<number> {
  const isAction = (s: string): s is Action => (DLQ_ACTIONS as readonly string[]).includes(s);
  const { file, rest } = splitPipelineArg(args, isAction);
  const [action, ...positional] = rest;
  if (!action || !isAction(action)) {
    out.error(`dlq: expected [pipeline.yaml] ${DLQ_ACTIONS.join('|')}, got ${JSON.stringify(args)}`);
    return EXIT_USAGE;
  }
  const ids = [...positional, ...[opts.id ?? []].flat()]
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
  const limit = Number(opts.limit ?? 100);
  if (!Number.isInteger(limit) || limit < 1) {
    out.error(`dlq: --limit must be a positive integer, got "${opts.limit}"`);
    return EXIT_USAGE;
  }
  if ((action === 'redrive' || action === 'purge') && opts.all && ids.length) {
    out.error(`dlq ${action}: give either --id or --all, not both`);
    return EXIT_USAGE;
  }
  return withOps(file, out, `dlq ${action}`, async (ctx) => {
    const print = (value: unknown, text: string) => out.log(opts.json ? JSON.stringify(value, null, 2) : text);
    switch (action) {
      case 'list': {
        const list = await listDeadLetters(ctx, { stage: opts.stage, limit });
        print(list, formatDeadLetters(list));
        return EXIT_OK;
      }
      case 'show': {
        if (ids.length === 0) {
          out.error('dlq show: which entry? --id <id> (ids are in `docpipe dlq list`)');
          return EXIT_USAGE;
        }
        let code = EXIT_OK;
        for (const id of ids) {
          const entry = await findDeadLetter(ctx, id, opts.stage);
          if (!entry) {
            out.error(`dlq show: no dead letter ${id}${opts.stage ? ` in stage ${opts.stage}` : ''}`);
            code = EXIT_PROBLEM;
          } else {
            print(entry, formatDeadLetter(entry));
          }
        }
        return code;
      }
      case 'redrive':
      case 'purge': {
        const sel: Selection = { stage: opts.stage, ids, all: Boolean(opts.all) };
        const result = action === 'redrive' ? await redrive(ctx, sel) : await purge(ctx, sel);
        print(result, formatAction(action === 'redrive' ? 'redriven' : 'purged', result));
        return result.missing.length ? EXIT_PROBLEM : EXIT_OK;
      }
    }
  });
}
