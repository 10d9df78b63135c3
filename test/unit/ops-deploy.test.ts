/** `docpipe deploy k8s|compose`: the printed YAML parses and validates against the schemas of what it emits. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parseAllDocuments } from 'yaml';
import { deployCommand, type DeployCommandOptions } from '../../src/cli/deploy.ts';
import { loadPipeline } from '../../src/config/load.ts';
import { k8sName } from '../../src/ops/deploy.ts';
import { REPO } from '../helpers/runner-process.ts';

const schemaDir = path.join(REPO, 'test/fixtures/ops/schemas');
const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
const validators = {
  Deployment: ajv.compile(JSON.parse(readFileSync(path.join(schemaDir, 'k8s-deployment.json'), 'utf8')) as object),
  ScaledObject: ajv.compile(JSON.parse(readFileSync(path.join(schemaDir, 'keda-scaledobject.json'), 'utf8')) as object),
  compose: ajv.compile(JSON.parse(readFileSync(path.join(schemaDir, 'compose.json'), 'utf8')) as object),
};

const PIPELINES = [path.join(REPO, 'pipeline.yaml'), path.join(REPO, 'test/fixtures/ops/pipeline.yaml')];

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
      assert.equal(docs.length, config.stages.length * 2);
      for (const d of docs) {
        const v = validators[d['kind'] as 'Deployment' | 'ScaledObject'];
        assert.ok(v, `known kind ${String(d['kind'])}`);
        assert.ok(v(d), `${String(d['kind'])}: ${ajv.errorsText(v.errors)}`);
      }
      for (const stage of config.stages) {
        const name = k8sName(config.name, stage.name);
        const dep = docs.find((d) => d['kind'] === 'Deployment' && (d['metadata'] as { name: string }).name === name) as { spec: { template: { spec: { containers: Array<{ command: string[]; args: string[]; image: string }> } } } } | undefined;
        assert.ok(dep, `Deployment ${name}`);
        const c = dep.spec.template.spec.containers[0]!;
        assert.deepEqual(c.command, ['docpipe-run']);
        assert.deepEqual(c.args.slice(0, 3), [path.relative(process.cwd(), file), '--stage', stage.name]);
        assert.equal(c.image, 'registry.example/docpipe:1.0');
        const so = docs.find((d) => d['kind'] === 'ScaledObject' && (d['metadata'] as { name: string }).name === name) as { spec: { scaleTargetRef: { name: string }; triggers: Array<{ type: string; metadata: Record<string, string> }> } } | undefined;
        assert.ok(so, `ScaledObject ${name}`);
        assert.equal(so.spec.scaleTargetRef.name, name);
        assert.equal(so.spec.triggers[0]!.type, 'redis-streams');
        assert.equal(so.spec.triggers[0]!.metadata['stream'], stage.stream);
        assert.equal(so.spec.triggers[0]!.metadata['consumerGroup'], stage.group);
        assert.equal(so.spec.triggers[0]!.metadata['lagCount'], String(stage.concurrency * 10));
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
    const so = docs.find((d) => d['kind'] === 'ScaledObject') as { spec: { minReplicaCount: number; maxReplicaCount: number; triggers: Array<{ metadata: Record<string, string> }> } };
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
