import type { IScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import type { IContainer } from 'kubernetes-models/v1/Container';
import { afterEach, describe, expect, it } from 'vitest';
import { createApiServer, type ApiServer } from '../../api/create-api-server.js';
import type { Config } from '../../shared/config.js';
import { createLogger } from '../../shared/logger.js';
import { freePort } from '../../shared/redis-server-process.js';
import {
  deploymentNamed,
  environmentOf,
  exampleSecrets,
  objectNamed,
  onlyContainer,
} from '../helpers/kubernetes-manifests.js';
import { deleteTestKeys, testConfig, TEST_REDIS_URL } from '../helpers/test-config.js';
import { startWorkerProcess, type WorkerProcess } from '../helpers/worker-process.js';

/**
 * The processes of deploy/kubernetes/, each started with its Deployment's
 * environment (the example Secret filled in) on a queue of its own, asked
 * what the kubelet and KEDA ask them.
 */

const apiContainer = onlyContainer(deploymentNamed('taskrest-api'));
const workerContainer = onlyContainer(deploymentNamed('taskrest-worker'));

/** A Deployment's environment, for a test: its own queue and Redis, quiet, no history. */
function manifestEnv(container: IContainer, redisUrl: string): Record<string, string> {
  const env = environmentOf(container, exampleSecrets({ filled: true }));
  // The recorder needs PostgreSQL, which no probe asks for.
  delete env.TASKREST_HISTORY_URL;
  return { ...env, REDIS_URL: redisUrl, TASKREST_LOG_LEVEL: 'error' };
}

const probePath = (container: IContainer, kind: 'readinessProbe' | 'livenessProbe') =>
  container[kind]!.httpGet!.path!;

let api: ApiServer | undefined;
let worker: WorkerProcess | undefined;
let config: Config | undefined;
afterEach(async () => {
  await api?.close();
  await worker?.stop();
  if (config) await deleteTestKeys(config);
  api = worker = config = undefined;
});

async function startApi(redisUrl: string): Promise<ApiServer> {
  config = testConfig(manifestEnv(apiContainer, redisUrl));
  api = await createApiServer(config, createLogger(config));
  return api;
}

describe('deploy/kubernetes probes', () => {
  it('the API with its Deployment environment answers its readiness and liveness probes', async () => {
    const { app } = await startApi(TEST_REDIS_URL);
    for (const kind of ['readinessProbe', 'livenessProbe'] as const) {
      const answer = await app.inject({ method: 'GET', url: probePath(apiContainer, kind) });
      expect(answer.statusCode, kind).toBe(200);
    }
  });

  it('without Redis the API is not ready but still live: an outage restarts no replica', async () => {
    const { app } = await startApi(`redis://127.0.0.1:${await freePort()}`);
    // Nothing reached Redis, so nothing is left to delete.
    config = undefined;
    const ready = await app.inject({
      method: 'GET',
      url: probePath(apiContainer, 'readinessProbe'),
    });
    expect(ready.statusCode).toBe(503);
    const live = await app.inject({ method: 'GET', url: probePath(apiContainer, 'livenessProbe') });
    expect(live.statusCode).toBe(200);
  });

  it("/metrics has the series the ScaledObject's query sums: waiting and prioritized executions", async () => {
    const { app, producer } = await startApi(TEST_REDIS_URL);
    const task = { url: 'http://127.0.0.1:9/never-run' };
    await producer.enqueue(task);
    await producer.enqueue(task, { priority: 5 });
    const scaled = objectNamed('ScaledObject', 'taskrest-worker') as unknown as IScaledObject;
    const query = String(scaled.spec.triggers[0]!.metadata.query);
    const [, metric, states] = /(\w+)\{state=~"([^"]+)"\}/.exec(query)!;
    const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    let total = 0;
    for (const state of states!.split('|')) {
      const line = new RegExp(
        `^${metric}\\{queue="${config!.queueName}",state="${state}"\\} (\\d+)$`,
        'm',
      );
      const found = line.exec(text);
      expect(found, `${metric} ${state}`).not.toBeNull();
      total += Number(found![1]);
    }
    expect(total).toBe(2);
  });

  it('a worker with its Deployment environment answers its probes on the health port, and stops on SIGTERM', async () => {
    config = testConfig();
    worker = await startWorkerProcess(config, {
      ...manifestEnv(workerContainer, config.redisUrl),
      // A free port on loopback instead of the manifest's, which may be taken here.
      TASKREST_HEALTH_PORT: '0',
      TASKREST_HEALTH_HOST: '127.0.0.1',
      TASKREST_LOG_LEVEL: 'info',
    });
    const url = (kind: 'readinessProbe' | 'livenessProbe') =>
      new URL(probePath(workerContainer, kind), worker!.probeUrl('/livez')).href;
    expect((await fetch(url('livenessProbe'))).status).toBe(200);
    await expect
      .poll(async () => (await fetch(url('readinessProbe'))).status, { timeout: 20_000 })
      .toBe(200);
    expect(await worker.stop('SIGTERM')).toBe(0);
  });
});
