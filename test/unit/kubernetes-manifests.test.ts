import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import {
  ScaledObject,
  type IScaledObject,
} from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import {
  PodDisruptionBudget,
  type IPodDisruptionBudget,
} from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Service, type IService } from 'kubernetes-models/v1/Service';
import { describe, expect, it } from 'vitest';
import { assertCredentialsForHost } from '../../api/exposure-check.js';
import { DEFAULTS, loadConfig } from '../../shared/config.js';
import { CONFIG_TABLE, CONFIG_VARIABLES } from '../../shared/config-variables.js';
import { queueKeyBase } from '../../shared/queue-keys.js';
import { HAND_BACK_MS } from '../../worker/runtime/shutdown.js';
import {
  KUBERNETES_DIR,
  containerPort,
  deploymentNamed,
  exampleSecrets,
  environmentOf,
  kubernetesFile,
  kustomization,
  manifestDocuments,
  objectNamed,
  onlyContainer,
  yamlFiles,
  type KubeObject,
} from '../helpers/kubernetes-manifests.js';

type Validates = (object: KubeObject) => { validate(): void };
/** A model class as a function of the parsed object; `validate()` checks its kind's schema. */
const modelOf =
  <T>(Model: new (data: T) => { validate(): void }): Validates =>
  (object) =>
    new Model(object as unknown as T);

/** The model of each kind the manifests hold (Kubernetes', KEDA's). */
const MODELS: Record<string, Validates> = {
  'v1/Namespace': modelOf(Namespace),
  'v1/Service': modelOf(Service),
  'apps/v1/Deployment': modelOf(Deployment),
  'policy/v1/PodDisruptionBudget': modelOf(PodDisruptionBudget),
  'keda.sh/v1alpha1/ScaledObject': modelOf(ScaledObject),
};

const api = deploymentNamed('taskrest-api');
const worker = deploymentNamed('taskrest-worker');
const example = exampleSecrets();
const filled = exampleSecrets({ filled: true });

describe('deploy/kubernetes manifests', () => {
  it('every manifest parses and validates against the Kubernetes or KEDA schema of its kind', () => {
    const documents = manifestDocuments();
    expect(documents.length).toBeGreaterThanOrEqual(7);
    for (const { file, object } of documents) {
      const model = MODELS[`${object.apiVersion}/${object.kind}`];
      expect(model, `${file}: ${object.apiVersion} ${object.kind}`).toBeDefined();
      expect(() => model!(object).validate(), file).not.toThrow();
    }
  });

  it('the schema check bites: a field of the wrong type is refused', () => {
    const bad = structuredClone(objectNamed('Deployment', 'taskrest-worker'));
    (
      bad.spec as { template: { spec: Record<string, unknown> } }
    ).template.spec.terminationGracePeriodSeconds = 'long';
    expect(() => MODELS['apps/v1/Deployment']!(bad).validate()).toThrow(/must be integer/);
    const scaled = structuredClone(objectNamed('ScaledObject', 'taskrest-worker'));
    (scaled.spec as Record<string, unknown>).minReplicaCount = 'two';
    expect(() => MODELS['keda.sh/v1alpha1/ScaledObject']!(scaled).validate()).toThrow();
  });

  it('kustomization.yaml lists every manifest, each exists, with the namespace and the image', () => {
    const k = kustomization();
    for (const file of k.resources)
      expect(existsSync(new URL(file, KUBERNETES_DIR)), file).toBe(true);
    const listed = yamlFiles().filter((f) => f !== 'kustomization.yaml');
    expect([...k.resources].sort()).toEqual(listed);
    expect(k.namespace).toBe(objectNamed('Namespace', k.namespace).metadata.name);
    // kustomize rewrites the containers' image by its name.
    expect(k.images.map((i) => i.name)).toEqual(['taskrest']);
    expect(k.images[0]!.newTag).toBeTruthy();
    for (const d of [api, worker]) expect(onlyContainer(d).image).toBe('taskrest');
  });

  it('the Secret comes from secrets.env, which git ignores; the example has every key the Deployments read', () => {
    const [generator, ...others] = kustomization().secretGenerator;
    expect(others).toEqual([]);
    expect(generator!.envs).toEqual(['secrets.env']);
    const ignored = execFileSync('git', ['check-ignore', 'deploy/kubernetes/secrets.env'], {
      cwd: new URL('../../', import.meta.url),
      encoding: 'utf8',
    });
    expect(ignored.trim()).toBe('deploy/kubernetes/secrets.env');
    for (const d of [api, worker]) {
      for (const { valueFrom } of onlyContainer(d).env ?? []) {
        const ref = valueFrom?.secretKeyRef;
        if (!ref) continue;
        expect(ref.name).toBe(generator!.name);
        expect(Object.keys(example)).toContain(ref.key);
      }
    }
    // A placeholder left in makes each process refuse to start, naming the variable.
    expect(() => loadConfig(environmentOf(onlyContainer(worker), example))).toThrow(
      /TASKREST_SECRET_KEY/,
    );
  });

  it('each Deployment sets only variables taskrest reads, making a valid configuration', () => {
    for (const d of [api, worker]) {
      const container = onlyContainer(d);
      for (const { name } of container.env ?? []) expect(CONFIG_VARIABLES, name).toContain(name);
      const env = environmentOf(container, filled);
      for (const [name, value] of Object.entries(env)) {
        const parser = CONFIG_TABLE[name as keyof typeof CONFIG_TABLE].parser;
        expect(parser.safeParse(value === '' ? undefined : value).success, name).toBe(true);
      }
      expect(env.TASKREST_HISTORY_URL).toMatch(/^postgres:\/\//);
      loadConfig(env);
    }
    const apiConfig = loadConfig(environmentOf(onlyContainer(api), filled));
    expect(apiConfig.host).toBe('0.0.0.0');
    expect(() => assertCredentialsForHost(apiConfig)).not.toThrow();
    expect(onlyContainer(api).args).toEqual(['api']);
    expect(onlyContainer(worker).args).toEqual(['worker']);
  });

  it("the worker's termination grace outlasts its drain (TASKREST_SHUTDOWN_GRACE_SECONDS, set) plus the hand-back", () => {
    const env = environmentOf(onlyContainer(worker), filled);
    // Set in the manifest, not left to the default: the two numbers sit side by side.
    expect(env.TASKREST_SHUTDOWN_GRACE_SECONDS).toBeDefined();
    const drainMs = loadConfig(env).shutdownGraceMs;
    const graceSeconds = worker.spec!.template.spec!.terminationGracePeriodSeconds!;
    expect(graceSeconds * 1000).toBeGreaterThanOrEqual(drainMs + HAND_BACK_MS);
    // And a margin beyond that for the exit itself (spans flushed, connections closed).
    expect(graceSeconds * 1000 - drainMs - HAND_BACK_MS).toBeGreaterThanOrEqual(5000);
  });

  it('the probes ask the ports the processes listen on, as the configuration reads them', () => {
    const apiContainer = onlyContainer(api);
    const apiConfig = loadConfig(environmentOf(apiContainer, filled));
    for (const probe of [apiContainer.readinessProbe, apiContainer.livenessProbe]) {
      expect(containerPort(apiContainer, probe!.httpGet!.port)).toBe(apiConfig.port);
    }
    const workerContainer = onlyContainer(worker);
    const workerConfig = loadConfig(environmentOf(workerContainer, filled));
    // Unset by default: the manifest must set it, and listen beyond loopback.
    expect(CONFIG_TABLE.TASKREST_HEALTH_PORT.parser.parse(undefined)).toBeUndefined();
    expect(workerConfig.healthHost).toBe('0.0.0.0');
    for (const probe of [workerContainer.readinessProbe, workerContainer.livenessProbe]) {
      expect(containerPort(workerContainer, probe!.httpGet!.port)).toBe(workerConfig.healthPort);
    }
  });

  it("the Service and the disruption budgets select their Deployment's pods", () => {
    const labels = (d: typeof api) => d.spec!.template.metadata!.labels!;
    const service = objectNamed('Service', 'taskrest-api') as unknown as IService;
    expect(labels(api)).toMatchObject(service.spec!.selector!);
    expect(labels(worker)).not.toMatchObject(service.spec!.selector!);
    expect(containerPort(onlyContainer(api), service.spec!.ports![0]!.targetPort!)).toBe(3000);
    for (const d of [api, worker]) {
      const pdb = objectNamed(
        'PodDisruptionBudget',
        d.metadata!.name!,
      ) as unknown as IPodDisruptionBudget;
      expect(labels(d)).toMatchObject(pdb.spec!.selector!.matchLabels!);
      expect(d.spec!.selector.matchLabels).toEqual(pdb.spec!.selector!.matchLabels);
    }
  });

  it('every container runs as non-root, read-only, with requests and limits', () => {
    for (const d of [api, worker]) {
      const pod = d.spec!.template.spec!;
      expect(pod.securityContext?.runAsNonRoot).toBe(true);
      // Numeric: the image's USER is a name, which runAsNonRoot cannot check.
      expect(pod.securityContext?.runAsUser).toBeGreaterThan(0);
      const container = onlyContainer(d);
      expect(container.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });
      for (const part of ['requests', 'limits'] as const) {
        expect(container.resources?.[part], part).toMatchObject({
          cpu: expect.anything(),
          memory: expect.anything(),
        });
      }
    }
  });

  it('the ScaledObject scales the workers, never to zero, one per WORKER_CONCURRENCY waiting', () => {
    const scaled = objectNamed('ScaledObject', 'taskrest-worker') as unknown as IScaledObject;
    expect(scaled.spec.scaleTargetRef.name).toBe(worker.metadata!.name);
    expect(worker.spec!.replicas).toBeUndefined();
    expect(scaled.spec.minReplicaCount).toBeGreaterThanOrEqual(1);
    expect(scaled.spec.maxReplicaCount).toBeGreaterThan(scaled.spec.minReplicaCount!);
    expect(scaled.spec.cooldownPeriod).toBeGreaterThan(0);
    const [trigger, ...others] = scaled.spec.triggers;
    expect(others).toEqual([]);
    expect(trigger!.type).toBe('prometheus');
    const concurrency = loadConfig(environmentOf(onlyContainer(worker), filled)).workerConcurrency;
    expect(Number(trigger!.metadata.threshold)).toBe(concurrency);
  });

  it("docs/operations.md shows the ScaledObject's query, and the redis scaler on the wait list's real key", () => {
    const page = readFileSync(new URL('../../docs/operations.md', import.meta.url), 'utf8');
    const scaled = objectNamed('ScaledObject', 'taskrest-worker') as unknown as IScaledObject;
    expect(page).toContain(String(scaled.spec.triggers[0]!.metadata.query));
    const block = /```yaml\n(triggers:\n[\s\S]*?)```/.exec(page)![1]!;
    const [trigger] = (parse(block) as { triggers: { type: string; metadata: object }[] }).triggers;
    expect(trigger!.type).toBe('redis');
    const defaultQueue = { prefix: DEFAULTS.prefix, queueName: DEFAULTS.queueName };
    expect(trigger!.metadata).toMatchObject({ listName: `${queueKeyBase(defaultQueue)}:wait` });
    expect(page).toContain(
      `\`${queueKeyBase({ prefix: '{taskrest}', queueName: '<queue>' })}:wait\``,
    );
  });

  const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
  it.skipIf(!kubectl)('kubectl kustomize builds it, the Secret and the image rewritten', () => {
    const dir = mkdtempSync(join(tmpdir(), 'taskrest-kustomize-'));
    try {
      cpSync(KUBERNETES_DIR, dir, { recursive: true });
      writeFileSync(join(dir, 'secrets.env'), kubernetesFile('secrets.env.example'));
      const built = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
      const objects = parseAllDocuments(built).map((d) => d.toJS() as KubeObject);
      const secret = objects.find((o) => o.kind === 'Secret')!;
      expect(secret.metadata.name).toMatch(/^taskrest-\w+$/);
      const image = kustomization().images[0]!;
      for (const o of objects.filter((one) => one.kind === 'Deployment')) {
        expect(o.metadata.namespace).toBe(kustomization().namespace);
        const container = onlyContainer(o as unknown as typeof api);
        expect(container.image).toBe(`${image.newName}:${image.newTag}`);
        for (const { valueFrom } of container.env ?? []) {
          if (valueFrom) expect(valueFrom.secretKeyRef!.name).toBe(secret.metadata.name);
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
