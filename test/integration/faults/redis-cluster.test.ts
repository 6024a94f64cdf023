import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../../shared/config.js';
import { TaskProducer } from '../../../producer/task-producer.js';
import { TestQueue } from '../../helpers/test-queue.js';
import { producerOptionsOf } from '../../../producer/task-producer-options.js';
import { ownRedisCluster, type OwnRedisCluster } from '../../helpers/own-redis-cluster.js';
import type { ScriptedTarget } from '../../helpers/scripted-target.js';
import { startTargetServer } from '../../helpers/target-server.js';
import { testConfig } from '../../helpers/test-config.js';
import { eventually } from '../../helpers/eventually.js';
import {
  startWorkerProcess,
  waitForFinished,
  type WorkerProcess,
} from '../../helpers/worker-process.js';

/** A 3-master Redis Cluster, the queue's keys in one slot by their hash tag. */
describe('Redis Cluster', () => {
  let cluster: OwnRedisCluster;
  let target: ScriptedTarget;
  let config: Config;
  let producer: TaskProducer;
  let queue: TestQueue;
  let worker: WorkerProcess;

  beforeAll(async () => {
    cluster = await ownRedisCluster(3);
    target = await startTargetServer();
    // Two of the three nodes as seeds: the client discovers the third.
    config = testConfig({ REDIS_CLUSTER: '1', REDIS_URL: cluster.urls.slice(0, 2).join(',') });
    producer = new TaskProducer(producerOptionsOf(config));
    queue = new TestQueue(config);
    worker = await startWorkerProcess(config);
  });
  afterAll(async () => {
    await worker?.stop('SIGKILL');
    await producer?.close();
    await queue?.close();
    await target?.close();
    await cluster?.destroy();
  });

  it('the worker is ready and listed on the cluster', async () => {
    expect(config.prefix).toMatch(/^\{t-[0-9a-f]{8}\}$/);
    await eventually(async () => (await worker.probe('/readyz')).status === 200, 'ready').catch(
      async (error: Error) => {
        throw new Error(`${error.message}: ${JSON.stringify(await worker.probe('/readyz'))}`);
      },
    );
    expect(await queue.getWorkersCount()).toBeGreaterThanOrEqual(1);
  });

  it('runs a task end to end and waitForResult returns its output', async () => {
    const { executionId } = await producer.enqueue({ url: `${target.url}/jokes/random` });
    const execution = await producer.waitForResult(executionId, { timeoutMs: 15_000 });
    expect(execution).toMatchObject({
      state: 'completed',
      output: { status: 'success', status_code: 200, json: { type: 'success' } },
    });
  });

  it('sends a multipart file from the files resource', async () => {
    await producer.files.put('cluster.txt', Buffer.from('bytes kept in a cluster slot'));
    const { executionId } = await producer.enqueue({
      url: `${target.url}/anything/upload`,
      method: 'POST',
      multipart: { parts: [{ name: 'file', file: 'cluster.txt' }] },
    });
    const execution = await producer.waitForResult(executionId, { timeoutMs: 15_000 });
    expect(execution?.output?.status).toBe('success');
    expect(target.arrivals.at(-1)?.body).toContain('bytes kept in a cluster slot');
  });

  it('fails a task visibly and runs a bulk of them', async () => {
    const { executionId } = await producer.enqueue({ url: `${target.url}/status/500` });
    const failed = await producer.waitForResult(executionId, { timeoutMs: 15_000 });
    expect(failed).toMatchObject({
      state: 'failed',
      output: { status: 'error', status_code: 500 },
    });

    const before = (await queue.getJobCounts('completed')).completed ?? 0;
    await producer.enqueueBulk(
      Array.from({ length: 50 }, (_, i) => ({ url: `${target.url}/anything/${i}` })),
    );
    const counts = await waitForFinished(queue, before + 1 + 50);
    expect(counts.completed).toBe(before + 50);
  });

  it('keeps every key of the queue in one slot', async () => {
    const client = new Cluster(
      cluster.urls.map((url) => ({ host: '127.0.0.1', port: Number(new URL(url).port) })),
    );
    try {
      await new Promise((resolve) => client.once('ready', resolve));
      const slots = new Set<number>();
      for (const node of client.nodes('master')) {
        const keys = await node.keys(`${config.prefix}:*`);
        for (const key of keys) slots.add(Number(await node.cluster('KEYSLOT', key)));
      }
      expect(slots.size).toBe(1);
    } finally {
      client.disconnect();
    }
  });
});
