import type { PipelineConfig, StageConfig } from '../config/types.ts';

/**
 * `docpipe deploy k8s|compose`: one worker Deployment (or compose service) per stage running
 * `docpipe-run <pipeline> --stage <name>`, for Kubernetes a KEDA ScaledObject per stage that scales
 * it on its consumer group's lag, and (with a store) one coordinator running `docpipe-run <pipeline>
 * --coordinator`: queue intake and the outcome write-back. The image is the repository's Dockerfile
 * (non-root user `node`, uid 1000). Pure: returns plain objects; the CLI prints them as YAML.
 */
export interface DeployOptions {
  /** Image holding docpipe, the pipeline file and its stage modules (built by the user). */
  image: string;
  /** Path of the pipeline file inside the image, relative to `workdir`. */
  pipeline: string;
  workdir: string;
  namespace?: string;
  /** Secret with REDIS_URL, REDIS_ADDRESS (host:port, for KEDA), REDIS_PASSWORD and DATABASE_URL. */
  secret: string;
  minReplicas: number;
  maxReplicas: number;
  /** Target unread entries per replica (KEDA lagCount); default: 10 × the stage's concurrency. */
  lagCount?: number;
  metricsPort: number;
  /** Seconds in-flight handlers get to finish on SIGTERM. */
  graceSeconds: number;
}

/** The user of the repository's Dockerfile (`node` in the Node image). */
export const IMAGE_UID = 1000;

export const DEFAULT_DEPLOY: Omit<DeployOptions, 'pipeline'> = {
  image: 'docpipe:latest',
  workdir: '/app',
  secret: 'docpipe-env',
  minReplicas: 1,
  maxReplicas: 10,
  metricsPort: 9464,
  graceSeconds: 30,
};

type Manifest = Record<string, unknown>;

/** A Kubernetes object name (RFC 1123 label): lowercase letters, digits and '-', at most 63 chars. */
export function k8sName(...parts: string[]): string {
  const name = parts
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
  return name.slice(0, 63).replace(/-$/, '') || 'docpipe';
}

function workerArgs(stage: StageConfig, o: Pick<DeployOptions, 'pipeline' | 'metricsPort' | 'graceSeconds'>): string[] {
  return [o.pipeline, '--stage', stage.name, ...serviceArgs(o)];
}

/** Queue intake and the outcome write-back, without stage workers. */
function coordinatorArgs(o: Pick<DeployOptions, 'pipeline' | 'metricsPort' | 'graceSeconds'>): string[] {
  return [o.pipeline, '--coordinator', ...serviceArgs(o)];
}

/**
 * What every deployed process takes: /metrics on the pod's address (inside a pod or container it
 * must answer there; the CLI's default is loopback) and the stop grace.
 */
function serviceArgs(o: Pick<DeployOptions, 'metricsPort' | 'graceSeconds'>): string[] {
  return ['--metrics-port', String(o.metricsPort), '--metrics-host', '0.0.0.0', '--grace', String(o.graceSeconds)];
}

/** Intake and the outcome write-back both work on the store: without one there is nothing to coordinate. */
function needsCoordinator(config: PipelineConfig): boolean {
  return config.store.url !== 'none';
}

/** The compose service / Deployment suffix of the coordinator (a stage may not take its name). */
function coordinatorName(config: PipelineConfig): string {
  return config.stages.some((s) => k8sName(s.name) === 'coordinator') ? 'docpipe-coordinator' : 'coordinator';
}

function lagTarget(stage: StageConfig, o: Pick<DeployOptions, 'lagCount'>): number {
  return o.lagCount ?? stage.concurrency * 10;
}

function deployment(name: string, labels: Record<string, string>, replicas: number, args: string[], o: DeployOptions): Manifest {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, ...(o.namespace ? { namespace: o.namespace } : {}), labels },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: {
          labels,
          annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(o.metricsPort), 'prometheus.io/path': '/metrics' },
        },
        spec: {
          terminationGracePeriodSeconds: o.graceSeconds + 15,
          securityContext: { runAsNonRoot: true, runAsUser: IMAGE_UID, runAsGroup: IMAGE_UID },
          containers: [
            {
              name: 'worker',
              image: o.image,
              workingDir: o.workdir,
              command: ['docpipe-run'],
              args,
              envFrom: [{ secretRef: { name: o.secret } }],
              ports: [{ name: 'metrics', containerPort: o.metricsPort, protocol: 'TCP' }],
              livenessProbe: {
                httpGet: { path: '/healthz', port: 'metrics' },
                initialDelaySeconds: 10,
                periodSeconds: 15,
                failureThreshold: 4,
              },
              resources: { requests: { cpu: '250m', memory: '256Mi' } },
              securityContext: { allowPrivilegeEscalation: false },
            },
          ],
        },
      },
    },
  };
}

export function k8sManifests(config: PipelineConfig, o: DeployOptions): Manifest[] {
  const out: Manifest[] = [];
  const ns = o.namespace ? { namespace: o.namespace } : {};
  const cluster = Boolean(config.redis.cluster);
  const tls = /^rediss:/.test(config.redis.url);
  const instance = { 'app.kubernetes.io/name': 'docpipe', 'app.kubernetes.io/instance': k8sName(config.name) };
  for (const stage of config.stages) {
    const name = k8sName(config.name, stage.name);
    const labels = { ...instance, 'docpipe.io/stage': stage.name };
    out.push(deployment(name, labels, o.minReplicas, workerArgs(stage, o), o));
    out.push({
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: { name, ...ns, labels },
      spec: {
        scaleTargetRef: { name },
        // at least one replica: a stage's worker also promotes its due retries and reclaims dead workers' entries
        minReplicaCount: o.minReplicas,
        maxReplicaCount: o.maxReplicas,
        pollingInterval: 15,
        cooldownPeriod: 300,
        triggers: [
          {
            type: cluster ? 'redis-cluster-streams' : 'redis-streams',
            metadata: {
              ...(cluster ? { addressesFromEnv: 'REDIS_ADDRESSES' } : { addressFromEnv: 'REDIS_ADDRESS' }),
              passwordFromEnv: 'REDIS_PASSWORD',
              stream: stage.stream,
              consumerGroup: stage.group,
              lagCount: String(lagTarget(stage, o)),
              ...(tls ? { enableTLS: 'true' } : {}),
            },
          },
        ],
      },
    });
  }
  // One replica: intake claims rows with SKIP LOCKED and the write-back reads through a consumer group,
  // so a second one during a rollout is harmless, but more add nothing.
  if (needsCoordinator(config)) {
    out.push(
      deployment(
        k8sName(config.name, coordinatorName(config)),
        { ...instance, 'docpipe.io/role': 'coordinator' },
        1,
        coordinatorArgs(o),
        o,
      ),
    );
  }
  return out;
}

export function composeFile(config: PipelineConfig, o: DeployOptions): Manifest {
  const withStore = config.store.url !== 'none';
  const services: Record<string, Manifest> = {
    redis: {
      image: 'redis:7.2',
      command: ['redis-server', '--appendonly', 'yes', '--appendfsync', 'everysec', '--maxmemory-policy', 'noeviction'],
      volumes: ['redis-data:/data'],
      healthcheck: { test: ['CMD', 'redis-cli', 'ping'], interval: '5s', timeout: '3s', retries: 10 },
      restart: 'unless-stopped',
    },
  };
  const volumes: Record<string, Manifest> = { 'redis-data': {} };
  const dependsOn: Record<string, Manifest> = { redis: { condition: 'service_healthy' } };
  const environment: Record<string, string> = { REDIS_URL: 'redis://redis:6379' };
  if (withStore) {
    services['postgres'] = {
      image: 'postgres:16',
      environment: { POSTGRES_DB: 'docpipe', POSTGRES_PASSWORD: '${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}' },
      volumes: ['postgres-data:/var/lib/postgresql/data'],
      healthcheck: { test: ['CMD', 'pg_isready', '-U', 'postgres'], interval: '5s', timeout: '3s', retries: 10 },
      restart: 'unless-stopped',
    };
    volumes['postgres-data'] = {};
    dependsOn['postgres'] = { condition: 'service_healthy' };
    environment['DATABASE_URL'] = 'postgres://postgres:${POSTGRES_PASSWORD}@postgres:5432/docpipe';
  }
  // `build` makes `docker compose up --build` work from a checkout (the file written beside the Dockerfile)
  const docpipe = (args: string[], replicas: number): Manifest => ({
    image: o.image,
    build: { context: '.' },
    working_dir: o.workdir,
    command: ['docpipe-run', ...args],
    environment,
    depends_on: dependsOn,
    restart: 'unless-stopped',
    stop_grace_period: `${o.graceSeconds + 15}s`,
    deploy: { replicas },
  });
  for (const stage of config.stages) services[k8sName(stage.name)] = docpipe(workerArgs(stage, o), o.minReplicas);
  if (needsCoordinator(config)) services[coordinatorName(config)] = docpipe(coordinatorArgs(o), 1);
  return { name: k8sName(config.name), services, volumes };
}
