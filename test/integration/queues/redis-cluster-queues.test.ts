import { randomUUID } from 'node:crypto';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../../shared/config.js';
import { TaskProducer } from '../../../producer/task-producer.js';
import { producerOptionsOf } from '../../../producer/task-producer-options.js';
import { bullPrefixOf } from '../../../shared/queue-keys.js';
import { createRedis } from '../../../shared/redis-connection.js';
import { ownRedisCluster, type OwnRedisCluster } from '../../helpers/own-redis-cluster.js';
import { startScriptedTarget, type ScriptedTarget } from '../../helpers/scripted-target.js';
import { startWorkerProcess, type WorkerProcess } from '../../helpers/worker-process.js';

/**
 * A 3-master Redis Cluster: each queue's keys carry a hash tag of their own
 * (`{<prefix>:<queue>}`), so each queue sits in one slot and two queues in
 * two different slots, and tasks run through both.
 */
describe('named queues on a Redis Cluster', () => {
  let cluster: OwnRedisCluster;
  let target: ScriptedTarget;
  let config: Config;
  let producer: TaskProducer;
  let worker: WorkerProcess;
  const queues = ['alpha', 'beta'];

  beforeAll(async () => {
    cluster = await ownRedisCluster(3);
    target = await startScriptedTarget();
    config = loadConfig({
      REDIS_CLUSTER: '1',
      REDIS_URL: cluster.urls.slice(0, 2).join(','),
      // No braces: the per-queue hash tags of the new layout.
      TASKREST_PREFIX: `t-${randomUUID().slice(0, 8)}`,
      TASKREST_LOG_LEVEL: 'error',
    });
    producer = new TaskProducer(producerOptionsOf(config));
    worker = await startWorkerProcess(config, { TASKREST_QUEUES: queues.join(',') });
  });
  afterAll(async () => {
    await worker?.stop('SIGKILL');
    await producer?.close();
    await target?.close();
    await cluster?.destroy();
  });

  it('runs tasks through two queues, each in one slot of its own', async () => {
    for (const queue of queues) {
      const enqueued = await producer.enqueueBulk(
        Array.from({ length: 10 }, (_, i) => ({ url: `${target.url}/${queue}/${i}` })),
        { queue },
      );
      for (const { executionId } of enqueued) {
        const execution = await producer.waitForResult(executionId, { queue, timeoutMs: 20_000 });
        expect(execution).toMatchObject({ queue, state: 'completed' });
      }
    }
    expect(target.arrivalsOf({ prefix: '/alpha/' })).toHaveLength(10);
    expect(target.arrivalsOf({ prefix: '/beta/' })).toHaveLength(10);

    const client = new Cluster(
      cluster.urls.map((url) => ({ host: '127.0.0.1', port: Number(new URL(url).port) })),
    );
    try {
      await new Promise((resolve) => client.once('ready', resolve));
      const slotsOf = async (queue: string) => {
        const slots = new Set<number>();
        const tag = bullPrefixOf({ prefix: config.prefix, queueName: queue });
        for (const node of client.nodes('master')) {
          for (const key of await node.keys(`${tag}:*`)) {
            slots.add(Number(await node.cluster('KEYSLOT', key)));
          }
        }
        return slots;
      };
      const alpha = await slotsOf('alpha');
      const beta = await slotsOf('beta');
      expect(alpha.size).toBe(1);
      expect(beta.size).toBe(1);
      expect([...alpha][0]).not.toBe([...beta][0]);
    } finally {
      client.disconnect();
    }
  });

  it("delivers a callback: the execution and its callback are one flow in the queue's slot", async () => {
    const hook = await startScriptedTarget();
    try {
      const { executionId } = await producer.enqueue(
        { url: `${target.url}/alpha/with-callback` },
        { queue: 'alpha', callback: hook.url },
      );
      const [delivery] = await hook.waitFor(1);
      expect(JSON.parse(delivery!.body)).toMatchObject({
        execution_id: executionId,
        queue: 'alpha',
        state: 'completed',
      });
      const execution = await producer.getExecution(executionId, { queue: 'alpha' });
      expect(execution?.callback_execution_id).toBe(`callback!${String(executionId)}`);
    } finally {
      await hook.close();
    }
  });

  it('enqueues to a new queue while the cluster connection is connected but not yet ready', async () => {
    // The producer's own kind of connection (no offline queue), caught between
    // ioredis' 'connect' and 'ready': the queue made then must still work.
    const connection = createRedis(config, 'producer');
    connection.on('error', () => undefined);
    const early = new TaskProducer({
      connection,
      queue: 'gamma',
      prefix: config.prefix,
    });
    try {
      const enqueued = new Promise<unknown>((resolve) => {
        connection.once('connect', () => {
          expect(connection.status).toBe('connect');
          resolve(
            early.enqueue({ url: `${target.url}/gamma/early` }).catch((error: unknown) => error),
          );
        });
      });
      const result = await enqueued;
      expect(result).toMatchObject({ queue: 'gamma', state: 'waiting' });
      // And the queue stays usable.
      await expect(early.enqueue({ url: `${target.url}/gamma/later` })).resolves.toMatchObject({
        queue: 'gamma',
      });
    } finally {
      await early.close();
      connection.disconnect();
    }
  });
});
