import { readdirSync, readFileSync } from 'node:fs';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import { parse, parseAllDocuments } from 'yaml';

/** deploy/kubernetes/, the manifests `kubectl apply -k` takes. */
export const KUBERNETES_DIR = new URL('../../deploy/kubernetes/', import.meta.url);

/** What every Kubernetes object has; the rest is its kind's. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly [field: string]: unknown };
  readonly [field: string]: unknown;
}

/** One YAML document of a manifest file. */
export interface ManifestDocument {
  readonly file: string;
  readonly object: KubeObject;
}

/** The fields of kustomization.yaml the tests read. */
export interface Kustomization {
  readonly namespace: string;
  readonly resources: readonly string[];
  readonly images: readonly { name: string; newName?: string; newTag?: string }[];
  readonly secretGenerator: readonly { name: string; envs?: string[] }[];
}

/** The text of a file in deploy/kubernetes/. */
export function kubernetesFile(name: string): string {
  return readFileSync(new URL(name, KUBERNETES_DIR), 'utf8');
}

/** Every YAML file in deploy/kubernetes/, sorted. */
export function yamlFiles(): string[] {
  return readdirSync(KUBERNETES_DIR)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort();
}

/** Every document of every manifest (kustomization.yaml aside); a YAML error throws. */
export function manifestDocuments(): ManifestDocument[] {
  return yamlFiles()
    .filter((file) => file !== 'kustomization.yaml')
    .flatMap((file) =>
      parseAllDocuments(kubernetesFile(file)).map((doc) => {
        if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]!.message}`);
        return { file, object: doc.toJS() as KubeObject };
      }),
    );
}

/** kustomization.yaml, parsed. */
export function kustomization(): Kustomization {
  return parse(kubernetesFile('kustomization.yaml')) as Kustomization;
}

/** The manifest of `kind` named `name`. */
export function objectNamed(kind: string, name: string): KubeObject {
  const found = manifestDocuments().find(
    ({ object }) => object.kind === kind && object.metadata.name === name,
  );
  if (!found) throw new Error(`no ${kind} ${name} in deploy/kubernetes/`);
  return found.object;
}

/** The Deployment `name`. */
export function deploymentNamed(name: string): IDeployment {
  return objectNamed('Deployment', name) as unknown as IDeployment;
}

/** The one container of a Deployment's pods. */
export function onlyContainer(deployment: IDeployment): IContainer {
  const containers = deployment.spec?.template.spec?.containers ?? [];
  if (containers.length !== 1) throw new Error('expected one container');
  return containers[0]!;
}

/**
 * The keys of an env file as kustomize's secretGenerator reads it:
 * `KEY=value` lines, `#` comments and blank lines skipped.
 */
export function envFileValues(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const at = trimmed.indexOf('=');
    values[trimmed.slice(0, at)] = trimmed.slice(at + 1);
  }
  return values;
}

/**
 * A container's environment as the kubelet makes it: literal values, and
 * `secretKeyRef`s looked up in `secret` (an optional key that is missing is
 * left unset; a required one throws, as the pod would not start).
 */
export function environmentOf(
  container: IContainer,
  secret: Record<string, string>,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { name, value, valueFrom } of container.env ?? []) {
    if (value !== undefined) {
      env[name] = value;
      continue;
    }
    const ref = valueFrom?.secretKeyRef;
    if (!ref) throw new Error(`${name}: neither a value nor a secretKeyRef`);
    const found = secret[ref.key];
    if (found !== undefined) env[name] = found;
    else if (!ref.optional) throw new Error(`${name}: the Secret has no key ${ref.key}`);
  }
  return env;
}

/**
 * The Secret's keys and values as secrets.env.example has them; `filled`:
 * with its one placeholder that taskrest refuses (the sealing key) replaced
 * as an operator would.
 */
export function exampleSecrets({ filled = false } = {}): Record<string, string> {
  const values = envFileValues(kubernetesFile('secrets.env.example'));
  return filled ? { ...values, TASKREST_SECRET_KEY: 'ab'.repeat(32) } : values;
}

/** The container port named `name` (a probe's or a Service's `port: name`). */
export function containerPort(container: IContainer, name: string | number): number {
  if (typeof name === 'number') return name;
  const port = container.ports?.find((p) => p.name === name);
  if (!port) throw new Error(`no container port named ${name}`);
  return port.containerPort;
}
