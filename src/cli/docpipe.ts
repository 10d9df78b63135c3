import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { exitCodeOf } from './support.ts';
import { dashboardCommand } from './dashboard.ts';
import { deployCommand } from './deploy.ts';
import { dlqCommand } from './dlq.ts';
import { exportNeo4jCommand } from './export.ts';
import { docCommand } from './doc.ts';
import { doctorCommand } from './doctor.ts';
import { runCommand } from './run.ts';
import { sqlCommand } from './sql.ts';
import { statusCommand } from './status.ts';
import { submitCommand } from './submit.ts';
import { validateCommand } from './validate.ts';

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Shown by `docpipe-run --help` and in the README (Exit codes). */
export const RUN_EXIT_CODES = `
Exit codes:
  0  --until-idle: every document of this run completed (without --until-idle: stopped by SIGTERM/SIGINT)
  1  a start-up failure (Redis unreachable after --redis-retries, a stage's setup() failed, a port in use)
     or a shutdown that did not finish within --grace + 15 s
  2  usage or configuration error (bad option, unknown --stage, invalid pipeline file, missing handler
     module, an --input path that does not exist)
  3  --until-idle: some documents failed, were dead-lettered or could not be submitted
  130  a second SIGTERM/SIGINT

Logs (JSON lines, or --pretty) go to stderr; the summary and other human output to stdout.`;

const console_ = { log: (s: string) => process.stdout.write(s + '\n'), error: (s: string) => process.stderr.write(s + '\n') };

/** Builds the CLI. Commands hold no logic: they parse arguments and call into src/. */
export function buildCli(): Command {
  const program = new Command('docpipe')
    .description('Document NLP pipelines on Redis Streams')
    .version(VERSION, '-V, --version', 'print the docpipe version')
    .exitOverride()
    .showHelpAfterError();

  program
    .command('validate')
    .argument('[file]', 'pipeline file (default ./pipeline.yaml)')
    .description('check a pipeline file: schema, handler modules, message schemas and stage fit')
    .action(async (file: string | undefined) => {
      process.exitCode = await validateCommand(file ?? 'pipeline.yaml', console_);
    });

  program
    .command('run')
    .argument('<file>', 'pipeline file')
    .description('start the workers of every stage (or --stage a,b), the retry scheduler and the reclaimer')
    .option('--stage <names>', 'only these stages, comma separated (scale one stage out on other hosts)')
    .option('--input <paths...>', 'submit these files or folders (direct mode), then process them')
    .option('--until-idle', 'exit once every stream is drained and nothing is pending or scheduled (exit codes below)')
    .option('--consumer <name>', 'consumer name (default <host>-<pid>-<random>)')
    .option('--grace <seconds>', 'on SIGTERM/SIGINT, how long in-flight handlers may finish', '10')
    .option('--pretty', 'human-readable logs on stderr instead of JSON lines')
    .option('--log-level <level>', 'trace, debug, info, warn, error', undefined)
    .option('--coordinator', 'run queue intake and outcome write-back (with --stage: besides those stages; alone: no workers)')
    .option('--metrics-port <port>', 'serve Prometheus /metrics and /healthz on this port')
    .option(
      '--metrics-host <host>',
      'address /metrics binds (default 127.0.0.1, or DOCPIPE_METRICS_HOST; 0.0.0.0 for a scraper on another host)',
    )
    .option('--dashboard <port>', 'serve the web dashboard on 127.0.0.1:<port> (actions only with DOCPIPE_DASHBOARD_TOKEN)')
    .option(
      '--trace-url <template>',
      "the dashboard links a document's trace id to this URL, e.g. 'http://localhost:16686/trace/{trace_id}' (or DOCPIPE_TRACE_URL)",
    )
    .option(
      '--redis-retries <n>',
      'attempts to reach Redis at start-up before exiting 1 (default 10, about 40 s, or DOCPIPE_REDIS_RETRIES)',
    )
    .addHelpText('after', RUN_EXIT_CODES)
    .action(async (file: string, opts: Record<string, unknown>) => {
      process.exitCode = await runCommand(file, opts);
    });

  program
    .command('submit')
    .argument('<args...>', '[pipeline file] <files or folders...>')
    .description('create source_documents rows for files (type detected from content) and publish them to the first stage')
    .option('--json', 'machine-readable output')
    .action(async (args: string[], opts: { json?: boolean }) => {
      process.exitCode = await submitCommand(args, opts, console_);
    });

  program
    .command('sql')
    .argument('[args...]', '[pipeline file] <statement>')
    .description("run one SQL statement on the pipeline's store (the embedded Postgres too) and print the rows")
    .option('--json', 'machine-readable output')
    .action(async (args: string[], opts: { json?: boolean }) => {
      process.exitCode = await sqlCommand(args, opts, console_);
    });

  const exportCmd = program.command('export').description('export the staged knowledge graph');
  exportCmd
    .command('neo4j')
    .argument('[file]', 'pipeline file (default ./pipeline.yaml)')
    .requiredOption('--out <dir>', 'output folder (Cypher batches + params, neo4j-admin CSVs)')
    .description('write the staged graph as parameterised Cypher (UNWIND … MERGE) and neo4j-admin import CSVs')
    .action(async (file: string | undefined, opts: { out: string }) => {
      process.exitCode = await exportNeo4jCommand(file ?? 'pipeline.yaml', opts.out, console_);
    });

  program
    .command('status')
    .argument('[file]', 'pipeline file (default ./pipeline.yaml)')
    .description('per stage: stream length, lag, pending, consumers alive, retries, dead letters, throughput; documents by state')
    .option('--json', 'machine-readable output')
    .option('--watch', 'refresh in place (on a terminal) until Ctrl-C')
    .option('--interval <duration>', 'refresh interval of --watch', '2s')
    .action(async (file: string | undefined, opts: { json?: boolean; watch?: boolean; interval?: string }) => {
      process.exitCode = await statusCommand(file, opts, console_);
    });

  program
    .command('doc')
    .argument('<args...>', '[pipeline file] <document_uuid | uuid prefix | file name>')
    .description(
      "a document's state, stage, attempt, error and full history; a uuid prefix or part of a file name finds it (several matches: listed, exit 2)",
    )
    .option('--json', 'machine-readable output')
    .action(async (args: string[], opts: { json?: boolean }) => {
      process.exitCode = await docCommand(args, opts, console_);
    });

  program
    .command('dlq')
    .argument('<args...>', '[pipeline file] list|show|redrive|purge [id...]')
    .description('dead letters: list them, show one, redrive (back to their stage, attempts reset) or purge')
    .option('--stage <name>', 'only this stage')
    .option('--id <ids...>', 'entry ids (comma or space separated)')
    .option('--all', 'every entry (of --stage, or of all stages): required to redrive/purge without --id')
    .option('--limit <n>', 'entries listed per stage', '100')
    .option('--json', 'machine-readable output')
    .action(async (args: string[], opts: { stage?: string; id?: string[]; all?: boolean; limit?: string; json?: boolean }) => {
      process.exitCode = await dlqCommand(args, opts, console_);
    });

  program
    .command('dashboard')
    .argument('[file]', 'pipeline file (default ./pipeline.yaml)')
    .description('web dashboard: stages with backlog, pending, consumers, throughput, retries, dead letters; documents and their timelines')
    .option('--port <port>', 'port to listen on', '8080')
    .option('--host <host>', 'address to bind (loopback unless told otherwise)', '127.0.0.1')
    .option('--allow-actions', 'redrive/purge buttons; actions need "Authorization: Bearer $DOCPIPE_DASHBOARD_TOKEN"')
    .option('--show-text', 'allow document text on the page (none is shown today)')
    .option(
      '--trace-url <template>',
      "link a document's trace id to this URL, e.g. 'http://localhost:16686/trace/{trace_id}' (or DOCPIPE_TRACE_URL)",
    )
    .action(
      async (
        file: string | undefined,
        opts: { port?: string; host?: string; allowActions?: boolean; showText?: boolean; traceUrl?: string },
      ) => {
        process.exitCode = await dashboardCommand(file, opts, console_);
      },
    );

  program
    .command('doctor')
    .argument('[file]', 'pipeline file (default ./pipeline.yaml)')
    .description('checks Redis and Postgres for settings that lose or stall pipeline work; exit 1 when unsafe')
    .option('--json', 'machine-readable output')
    .option('--production', 'treat the prefix as production (AOF off is unsafe)')
    .option('--no-production', 'treat the prefix as not production (AOF off is a warning)')
    .action(async (file: string | undefined, opts: { json?: boolean; production?: boolean }) => {
      process.exitCode = await doctorCommand(file, opts, console_);
    });

  program
    .command('deploy')
    .argument('<target>', 'k8s or compose')
    .argument('[file]', 'pipeline file (default ./pipeline.yaml)')
    .description('prints Kubernetes Deployments + KEDA ScaledObjects (k8s) or a docker-compose file, one worker per stage')
    .option('--image <image>', 'image with docpipe, the pipeline and its stages', 'docpipe:latest')
    .option('--namespace <ns>', 'Kubernetes namespace')
    .option('--secret <name>', 'Secret with REDIS_URL, REDIS_ADDRESS, REDIS_PASSWORD, DATABASE_URL', 'docpipe-env')
    .option('--workdir <dir>', 'working directory in the image', '/app')
    .option('--min-replicas <n>', 'replicas per stage at least (keep >= 1: workers also promote retries)', '1')
    .option('--max-replicas <n>', 'replicas per stage at most', '10')
    .option('--lag-count <n>', 'KEDA target of unread entries per replica (default 10 x stage concurrency)')
    .option('--metrics-port <port>', 'port of /metrics and /healthz in the container', '9464')
    .option('--grace <seconds>', 'shutdown grace for in-flight handlers', '30')
    .action(async (target: string, file: string | undefined, opts: Record<string, string | undefined>) => {
      process.exitCode = await deployCommand(target, file, opts, console_);
    });

  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildCli();
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode === 0 ? 0 : 2;
      return;
    }
    console_.error(`docpipe: ${(err as Error).message}`);
    process.exitCode = exitCodeOf(err);
    // What failed was closed; should something the failure left behind (a stage's worker threads)
    // still hold the event loop, exit anyway: a start-up error must end the process, never hang it.
    setTimeout(() => process.exit(), 3_000).unref();
  }
}
