import path from 'node:path';
import { loadPipelineText, readPipelineFile } from '../config/load.ts';
import { formatProblem } from '../config/source.ts';
import { DocpipeError } from '../errors.ts';
import { checkPipeline, checkRawStages, REDIS_CHECKS } from '../worker/preflight.ts';

/** `docpipe validate <file>`: exit 0 clean, 1 problems (each as file:line:col: message), 2 unreadable. */
export async function validateCommand(file: string, out: { log: (s: string) => void; error: (s: string) => void }): Promise<number> {
  const display = path.relative(process.cwd(), path.resolve(file)) || file;
  let text: string;
  try {
    text = readPipelineFile(file);
  } catch (err) {
    out.error(err instanceof DocpipeError ? err.message : String(err));
    return 2;
  }
  const { config, problems, source, raw } = loadPipelineText(path.resolve(file), text, process.env, REDIS_CHECKS);
  if (config) problems.push(...(await checkPipeline(config, source)));
  else problems.push(...(await checkRawStages(raw, path.resolve(file), source)));
  problems.sort((a, b) => a.line - b.line || a.col - b.col);
  for (const p of problems) out.error(formatProblem({ ...p, file: display }));
  if (problems.length) {
    out.error(`${display}: ${problems.length} problem${problems.length === 1 ? '' : 's'}`);
    return 1;
  }
  out.log(`${display}: ok (${config!.stages.length} stages: ${config!.stages.map((s) => s.name).join(' -> ')})`);
  return 0;
}
