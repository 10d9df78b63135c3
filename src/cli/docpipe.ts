import { Command, CommanderError } from 'commander';
import { runCommand } from './run.ts';
import { validateCommand } from './validate.ts';

const console_ = { log: (s: string) => process.stdout.write(s + '\n'), error: (s: string) => process.stderr.write(s + '\n') };

/** Builds the CLI. Commands hold no logic: they parse arguments and call into src/. */
export function buildCli(): Command {
  const program = new Command('docpipe')
    .description('Document NLP pipelines on Redis Streams')
    .exitOverride()
    .showHelpAfterError();

  program
    .command('validate')
    .argument('<file>', 'pipeline file')
    .description('check a pipeline file: schema, handler modules, message schemas and stage fit')
    .action(async (file: string) => {
      process.exitCode = await validateCommand(file, console_);
    });

  program
    .command('run')
    .argument('<file>', 'pipeline file')
    .description('start the workers of every stage (or --stage a,b), the retry scheduler and the reclaimer')
    .option('--stage <names>', 'only these stages, comma separated (scale one stage out on other hosts)')
    .option('--input <paths...>', 'submit these files or folders (direct mode), then process them')
    .option('--until-idle', 'exit 0 once every stream is drained and nothing is pending or scheduled')
    .option('--consumer <name>', 'consumer name (default <host>-<pid>-<random>)')
    .option('--grace <seconds>', 'on SIGTERM/SIGINT, how long in-flight handlers may finish', '10')
    .option('--pretty', 'human-readable logs on stderr instead of JSON lines')
    .option('--log-level <level>', 'trace, debug, info, warn, error', undefined)
    .action(async (file: string, opts: Record<string, unknown>) => {
      process.exitCode = await runCommand(file, opts);
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
    process.exitCode = 1;
  }
}
