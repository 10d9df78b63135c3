import { Command, CommanderError } from 'commander';
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
