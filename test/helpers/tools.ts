import { execFileSync } from 'node:child_process';

/** True when a command-line tool is installed (tests that compare against it skip otherwise). */
export function hasCommand(command: string, args: readonly string[] = ['-v']): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
