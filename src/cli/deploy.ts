/** `docpipe deploy k8s|compose [pipeline.yaml]`: prints Kubernetes (+ KEDA) manifests or a compose file (workers and coordinator). */
import path from 'node:path';
import { stringify } from 'yaml';
import { loadRunnablePipeline } from '../worker/preflight.ts';
import { DocpipeError } from '../errors.ts';
import { EXIT_OK, EXIT_USAGE, type CommandOutput } from './support.ts';
import { DEFAULT_PIPELINE } from '../ops/connect.ts';
import { composeFile, DEFAULT_DEPLOY, k8sManifests, type DeployOptions } from '../ops/deploy.ts';

export interface DeployCommandOptions {
  image?: string;
  namespace?: string;
  secret?: string;
  workdir?: string;
  minReplicas?: string;
  maxReplicas?: string;
  lagCount?: string;
  metricsPort?: string;
  grace?: string;
}

function intOption(name: string, value: string | undefined, fallback: number | undefined, min: number): number | undefined {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new DocpipeError('config', 'DP_ERR_CONFIG_INVALID', `deploy: --${name} must be an integer >= ${min}, got "${value}"`);
  return n;
}

export async function deployCommand(
  target: string,
  file: string | undefined,
  opts: DeployCommandOptions,
  out: CommandOutput,
): Promise<number> {
  if (target !== 'k8s' && target !== 'compose') {
    out.error(`deploy: target must be k8s or compose, got "${target}"`);
    return EXIT_USAGE;
  }
  const pipeline = file ?? DEFAULT_PIPELINE;
  let options: DeployOptions;
  let manifests: unknown[];
  try {
    // the pipeline is loaded for its stages and key names; secrets it interpolates are never printed
    const config = loadRunnablePipeline(path.resolve(pipeline));
    const d = DEFAULT_DEPLOY;
    options = {
      image: opts.image ?? d.image,
      pipeline: path.isAbsolute(pipeline) ? path.relative(process.cwd(), pipeline) : pipeline,
      workdir: opts.workdir ?? d.workdir,
      namespace: opts.namespace,
      secret: opts.secret ?? d.secret,
      minReplicas: intOption('min-replicas', opts.minReplicas, d.minReplicas, 0)!,
      maxReplicas: intOption('max-replicas', opts.maxReplicas, d.maxReplicas, 1)!,
      lagCount: intOption('lag-count', opts.lagCount, undefined, 1),
      metricsPort: intOption('metrics-port', opts.metricsPort, d.metricsPort, 1)!,
      graceSeconds: intOption('grace', opts.grace, d.graceSeconds, 0)!,
    };
    if (options.maxReplicas < options.minReplicas)
      throw new DocpipeError('config', 'DP_ERR_CONFIG_INVALID', 'deploy: --max-replicas is below --min-replicas');
    manifests = target === 'k8s' ? k8sManifests(config, options) : [composeFile(config, options)];
  } catch (err) {
    out.error((err as Error).message);
    return EXIT_USAGE;
  }
  const header =
    target === 'k8s'
      ? `# docpipe for ${pipeline}: one Deployment and one KEDA ScaledObject per stage, and (with a store) one coordinator\n# Deployment for queue intake and the outcome write-back. Image: the repository's Dockerfile (docker build -t ${options.image} .).\n# Secret "${options.secret}" must hold REDIS_URL, REDIS_ADDRESS (host:port, read by KEDA), REDIS_PASSWORD and DATABASE_URL.\n`
      : `# docpipe for ${pipeline}: one service per stage and (with a store) a coordinator for intake and outcomes.\n# Save beside the Dockerfile; POSTGRES_PASSWORD=... docker compose up --build; scale with --scale <stage>=N.\n`;
  out.log(
    header +
      manifests
        .map((m) => stringify(m, { lineWidth: 0, aliasDuplicateObjects: false }))
        .join('---\n')
        .trimEnd(),
  );
  return EXIT_OK;
}
