/**
 * Summarises V8 .cpuprofile files (node --cpu-prof): top self-time functions and files.
 * Usage: node --import tsx bench/profile-summary.ts <file or folder> [top=25]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export function summarise(profile: Profile, top = 25): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const fn = new Map<string, number>();
  const file = new Map<string, number>();
  for (const [id, us] of self) {
    const cf = byId.get(id)!.callFrame;
    const short = cf.url
      .replace(/^file:\/\//, '')
      .replace(/.*node_modules\//, 'nm/')
      .replace(/.*\/main\//, '');
    const key = `${cf.functionName || '(anonymous)'}  ${short}:${cf.lineNumber + 1}`;
    fn.set(key, (fn.get(key) ?? 0) + us);
    const f = cf.url
      ? short.startsWith('nm/')
        ? short
            .split('/')
            .slice(0, short.split('/')[1]?.startsWith('@') ? 3 : 2)
            .join('/')
        : short
      : cf.functionName;
    file.set(f, (file.get(f) ?? 0) + us);
  }
  const lines = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => `${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${k}`);
  return [
    `total sampled ${(total / 1000).toFixed(0)} ms`,
    '',
    'top self time by function:',
    ...lines(fn),
    '',
    'by package / file:',
    ...lines(file),
  ].join('\n');
}

const target = process.argv[2];
if (target) {
  const top = Number(process.argv[3] ?? 25);
  const files = statSync(target).isDirectory()
    ? readdirSync(target)
        .filter((f) => f.endsWith('.cpuprofile'))
        .map((f) => path.join(target, f))
    : [target];
  for (const f of files)
    process.stdout.write(`== ${path.basename(f)}\n${summarise(JSON.parse(readFileSync(f, 'utf8')) as Profile, top)}\n\n`);
}
