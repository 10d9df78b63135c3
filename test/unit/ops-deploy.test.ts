/** `docpipe deploy k8s|compose`: the printed YAML parses and validates against the schemas of what it emits. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parseAllDocuments } from 'yaml';
import { deployCommand, type DeployCommandOptions } from '../../src/cli/deploy.ts';
import { loadPipeline } from '../../src/config/load.ts';
import { IMAGE_UID, k8sName } from '../../src/ops/deploy.ts';
import { withEnv } from '../helpers/in-process.ts';
import { REPO } from '../helpers/runner-process.ts';

const schemaDir = path.join(REPO, 'test/fixtures/ops/schemas');
const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
const validators = {
  Deployment: ajv.compile(JSON.parse(readFileSync(path.join(schemaDir, 'k8s-deployment.json'), 'utf8')) as object),
  ScaledObject: ajv.compile(JSON.parse(readFileSync(path.join(schemaDir, 'keda-scaledobject.json'), 'utf8')) as object),
  compose: ajv.compile(JSON.parse(readFileSync(path.join(schemaDir, 'compose.json'), 'utf8')) as object),
};

const PIPELINES = [path.join(REPO, 'pipeline.yaml'), path.join(REPO, 'test/fixtures/ops/pipeline.yaml')];
const OPS = PIPELINES[1]!;

type Deployment = {
  metadata: { name: string };
  spec: {
    replicas: number;
    selector: { matchLabels: Record<string, string> };
    template: {
      metadata: { labels: Record<string, string> };
      spec: {
        securityContext: { runAsNonRoot: boolean; runAsUser: number };
        containers: Array<{ command: string[]; args: string[]; image: string }>;
      };
    };
  };
};
const deployments = (docs: Array<Record<string, unknown>>) => docs.filter((d) => d['kind'] === 'Deployment') as unknown as Deployment[];
const selects = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

async function deploy(target: string, file: string, opts: DeployCommandOptions = {}): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await deployCommand(target, file, opts, { log: (s) => out.push(s), error: (s) => err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

function parseYaml(text: string): Array<Record<string, unknown>> {
  const docs = parseAllDocuments(text);
  for (const d of docs) assert.deepEqual(d.errors, [], 'YAML parses');
  return docs.map((d) => d.toJS() as Record<string, unknown>);
}

describe('deploy k8s', () => {
  for (const file of PIPELINES) {
    test(`${path.relative(REPO, file)}: a valid Deployment and KEDA ScaledObject per stage`, async () => {
      const config = loadPipeline(file);
      const { code, out } = await deploy('k8s', file, { image: 'registry.example/docpipe:1.0', namespace: 'nlp' });
      assert.equal(code, 0);
      const docs = parseYaml(out);
      const coordinator = config.store.url !== 'none';
      assert.equal(docs.length, config.stages.length * 2 + (coordinator ? 1 : 0));
      for (const d of docs) {
        const v = validators[d['kind'] as 'Deployment' | 'ScaledObject'];
        assert.ok(v, `known kind ${String(d['kind'])}`);
        assert.ok(v(d), `${String(d['kind'])}: ${ajv.errorsText(v.errors)}`);
      }
      for (const stage of config.stages) {
        const name = k8sName(config.name, stage.name);
        const dep = docs.find((d) => d['kind'] === 'Deployment' && (d['metadata'] as { name: string }).name === name) as
          { spec: { template: { spec: { containers: Array<{ command: string[]; args: string[]; image: string }> } } } } | undefined;
        assert.ok(dep, `Deployment ${name}`);
        const c = dep.spec.template.spec.containers[0]!;
        assert.deepEqual(c.command, ['docpipe-run']);
        assert.deepEqual(c.args.slice(0, 3), [path.relative(process.cwd(), file), '--stage', stage.name]);
        // /metrics (scraped by Prometheus, read by KEDA) answers on the pod's address, not loopback only
        assert.equal(c.args[c.args.indexOf('--metrics-host') + 1], '0.0.0.0');
        assert.equal(c.image, 'registry.example/docpipe:1.0');
        const so = docs.find((d) => d['kind'] === 'ScaledObject' && (d['metadata'] as { name: string }).name === name) as
          { spec: { scaleTargetRef: { name: string }; triggers: Array<{ type: string; metadata: Record<string, string> }> } } | undefined;
        assert.ok(so, `ScaledObject ${name}`);
        assert.equal(so.spec.scaleTargetRef.name, name);
        assert.equal(so.spec.triggers[0]!.type, 'redis-streams');
        assert.equal(so.spec.triggers[0]!.metadata['stream'], stage.stream);
        assert.equal(so.spec.triggers[0]!.metadata['consumerGroup'], stage.group);
        assert.equal(so.spec.triggers[0]!.metadata['lagCount'], String(stage.concurrency * 10));
        assert.ok(!c.args.includes('--coordinator'), 'a stage worker does no intake');
      }
      // each Deployment's selector picks its own pods and no other Deployment's; pods run as the image's user
      const deps = deployments(docs);
      for (const d of deps) {
        assert.ok(selects(d.spec.selector.matchLabels, d.spec.template.metadata.labels), `${d.metadata.name} selects its own pods`);
        for (const other of deps.filter((e) => e !== d)) {
          assert.ok(
            !selects(d.spec.selector.matchLabels, other.spec.template.metadata.labels),
            `${d.metadata.name} does not select ${other.metadata.name}'s pods`,
          );
        }
        assert.deepEqual(
          [d.spec.template.spec.securityContext.runAsNonRoot, d.spec.template.spec.securityContext.runAsUser],
          [true, IMAGE_UID],
        );
      }
      for (const so of docs.filter((d) => d['kind'] === 'ScaledObject') as Array<{ spec: { scaleTargetRef: { name: string } } }>) {
        assert.ok(
          deps.some((d) => d.metadata.name === so.spec.scaleTargetRef.name),
          `ScaledObject targets an emitted Deployment: ${so.spec.scaleTargetRef.name}`,
        );
      }
    });
  }

  test('the schemas catch a broken manifest (they are not vacuous)', async () => {
    const docs = parseYaml((await deploy('k8s', PIPELINES[1]!)).out);
    const dep = structuredClone(docs[0]!) as { metadata: { name: string }; spec: { replicas: unknown } };
    dep.metadata.name = 'Not_A_Name';
    assert.equal(validators.Deployment(dep), false);
    const so = structuredClone(docs[1]!) as { spec: { triggers: Array<{ metadata: Record<string, unknown> }> } };
    so.spec.triggers[0]!.metadata['lagCount'] = 80;
    assert.equal(validators.ScaledObject(so), false);
  });

  test('options: lag count, replicas; bad values exit 2', async () => {
    const docs = parseYaml((await deploy('k8s', PIPELINES[1]!, { lagCount: '7', minReplicas: '2', maxReplicas: '3' })).out);
    const so = docs.find((d) => d['kind'] === 'ScaledObject') as {
      spec: { minReplicaCount: number; maxReplicaCount: number; triggers: Array<{ metadata: Record<string, string> }> };
    };
    assert.equal(so.spec.triggers[0]!.metadata['lagCount'], '7');
    assert.deepEqual([so.spec.minReplicaCount, so.spec.maxReplicaCount], [2, 3]);
    assert.equal((await deploy('k8s', PIPELINES[1]!, { minReplicas: '5', maxReplicas: '2' })).code, 2);
    assert.equal((await deploy('k8s', PIPELINES[1]!, { lagCount: 'many' })).code, 2);
    assert.equal((await deploy('swarm', PIPELINES[1]!)).code, 2);
  });
});

describe('deploy compose', () => {
  for (const file of PIPELINES) {
    test(`${path.relative(REPO, file)}: a valid compose file with one worker service per stage`, async () => {
      const config = loadPipeline(file);
      const { code, out } = await deploy('compose', file);
      assert.equal(code, 0);
      const [doc, ...rest] = parseYaml(out);
      assert.equal(rest.length, 0);
      assert.ok(validators.compose(doc), ajv.errorsText(validators.compose.errors));
      const services = doc!['services'] as Record<string, { command?: string[]; environment?: Record<string, string> }>;
      for (const stage of config.stages) {
        const s = services[k8sName(stage.name)];
        assert.ok(s, `service ${stage.name}`);
        assert.deepEqual(s.command!.slice(0, 4), ['docpipe-run', path.relative(process.cwd(), file), '--stage', stage.name]);
        assert.equal(s.environment!['REDIS_URL'], 'redis://redis:6379');
      }
      // the Redis it ships is one doctor passes: no eviction, AOF on
      const redis = services['redis'] as { command: string[] };
      assert.ok(redis.command.join(' ').includes('--maxmemory-policy noeviction'));
      assert.ok(redis.command.join(' ').includes('--appendonly yes'));
      assert.equal('postgres' in services, config.store.url !== 'none');
    });
  }
});

describe('deploy: the coordinator (queue intake and outcome write-back)', () => {
  const storeUrl = 'postgres://docpipe@db:5432/docpipe';

  test('k8s with a store: one Deployment running docpipe-run --coordinator, one replica, not scaled by KEDA', async () => {
    const docs = await withEnv({ DATABASE_URL: storeUrl }, async () =>
      parseYaml((await deploy('k8s', OPS, { namespace: 'nlp', grace: '20' })).out),
    );
    const coordinators = deployments(docs).filter((d) => d.spec.template.spec.containers[0]!.args.includes('--coordinator'));
    assert.equal(coordinators.length, 1);
    const c = coordinators[0]!;
    assert.ok(validators.Deployment(c), ajv.errorsText(validators.Deployment.errors));
    assert.equal(c.metadata.name, 'ops-test-coordinator');
    assert.deepEqual(c.spec.template.spec.containers[0]!.command, ['docpipe-run']);
    assert.deepEqual(c.spec.template.spec.containers[0]!.args, [
      path.relative(process.cwd(), OPS),
      '--coordinator',
      '--metrics-port',
      '9464',
      '--metrics-host',
      '0.0.0.0',
      '--grace',
      '20',
    ]);
    assert.equal(c.spec.replicas, 1);
    assert.equal(c.spec.template.metadata.labels['docpipe.io/role'], 'coordinator');
    assert.equal(c.spec.template.metadata.labels['docpipe.io/stage'], undefined);
    const targets = (docs.filter((d) => d['kind'] === 'ScaledObject') as Array<{ spec: { scaleTargetRef: { name: string } } }>).map(
      (so) => so.spec.scaleTargetRef.name,
    );
    assert.ok(!targets.includes(c.metadata.name));
  });

  test('compose with a store: a coordinator service beside the workers, with the store and the image build', async () => {
    const doc = await withEnv({ DATABASE_URL: storeUrl }, async () => parseYaml((await deploy('compose', OPS)).out)[0]!);
    assert.ok(validators.compose(doc), ajv.errorsText(validators.compose.errors));
    const services = doc['services'] as Record<
      string,
      {
        command: string[];
        environment: Record<string, string>;
        build?: { context: string };
        deploy: { replicas: number };
        depends_on: Record<string, unknown>;
      }
    >;
    const c = services['coordinator'];
    assert.ok(c, 'service coordinator');
    assert.deepEqual(c.command, [
      'docpipe-run',
      path.relative(process.cwd(), OPS),
      '--coordinator',
      '--metrics-port',
      '9464',
      '--metrics-host',
      '0.0.0.0',
      '--grace',
      '30',
    ]);
    assert.equal(c.deploy.replicas, 1);
    assert.match(c.environment['DATABASE_URL']!, /^postgres:\/\/postgres:\$\{POSTGRES_PASSWORD\}@postgres:5432\/docpipe$/);
    assert.deepEqual(Object.keys(c.depends_on).sort(), ['postgres', 'redis']);
    // every docpipe service builds the image from the Dockerfile beside the compose file
    for (const [name, s] of Object.entries(services).filter(([n]) => n !== 'redis' && n !== 'postgres'))
      assert.deepEqual(s.build, { context: '.' }, name);
  });

  test('without a store there is nothing to take in or write back: no coordinator', async () => {
    await withEnv({ DATABASE_URL: undefined }, async () => {
      const k8s = parseYaml((await deploy('k8s', OPS)).out);
      assert.ok(deployments(k8s).every((d) => !d.spec.template.spec.containers[0]!.args.includes('--coordinator')));
      const compose = parseYaml((await deploy('compose', OPS)).out)[0]!;
      assert.ok(!('coordinator' in (compose['services'] as object)));
    });
  });

  test('a stage named coordinator keeps its name; the coordinator takes another', async () => {
    const { composeFile, DEFAULT_DEPLOY } = await import('../../src/ops/deploy.ts');
    const config = await withEnv({ DATABASE_URL: storeUrl }, async () => loadPipeline(OPS));
    const renamed = { ...config, stages: config.stages.map((s, i) => (i === 0 ? { ...s, name: 'coordinator' } : s)) };
    const services = composeFile(renamed, { ...DEFAULT_DEPLOY, pipeline: 'p.yaml' })['services'] as Record<string, { command: string[] }>;
    assert.deepEqual(services['coordinator']!.command.slice(0, 4), ['docpipe-run', 'p.yaml', '--stage', 'coordinator']);
    assert.deepEqual(services['docpipe-coordinator']!.command.slice(0, 3), ['docpipe-run', 'p.yaml', '--coordinator']);
  });
});

test('docker compose config accepts the compose file where Docker Compose is installed', async (t) => {
  if (spawnSync('docker', ['compose', 'version']).status !== 0) {
    t.diagnostic('Docker Compose is not installed here: the compose file was checked against the compose schema only');
    return;
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'docpipe-compose-'));
  try {
    const { out } = await withEnv({ DATABASE_URL: 'postgres://docpipe@db:5432/docpipe' }, () => deploy('compose', OPS));
    writeFileSync(path.join(dir, 'compose.yaml'), out);
    writeFileSync(path.join(dir, 'Dockerfile'), readFileSync(path.join(REPO, 'Dockerfile')));
    const r = spawnSync('docker', ['compose', '-f', path.join(dir, 'compose.yaml'), 'config', '--quiet'], {
      encoding: 'utf8',
      env: { ...process.env, POSTGRES_PASSWORD: 'x' },
    });
    assert.equal(r.status, 0, r.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
