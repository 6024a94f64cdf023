import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../shared/config.js';
import { createLogger } from '../../shared/logger.js';
import { TaskProducer } from '../../producer/task-producer.js';
import type { TaskProducerOptions } from '../../producer/task-producer-options.js';
import { ConfigError } from '../../shared/errors/index.js';
import { startTaskWorker, type TaskWorker } from '../../worker/runtime/task-worker.js';
import type { ScriptedTarget } from '../helpers/scripted-target.js';
import { startTargetServer } from '../helpers/target-server.js';
import { deleteTestKeys, envOf, testConfig } from '../helpers/test-config.js';
import { TestQueue } from '../helpers/test-queue.js';

describe('new TaskProducer(options) against the real Redis', () => {
  let target: ScriptedTarget;
  let config: Config;
  let worker: TaskWorker | undefined;
  let queue: TestQueue | undefined;

  beforeAll(async () => {
    target = await startTargetServer();
  });
  afterAll(async () => {
    await target.close();
  });
  afterEach(async () => {
    await worker?.close();
    await queue?.close();
    worker = undefined;
    queue = undefined;
    await deleteTestKeys(config);
  });

  function start(): TestQueue {
    config = testConfig();
    worker = startTaskWorker(config, createLogger(config));
    queue = new TestQueue(config);
    return queue;
  }

  it('redisUrl, queue, prefix: a worker of the same queue runs what it enqueues', async () => {
    const queue = start();
    const producer = new TaskProducer({
      redisUrl: config.redisUrl,
      queue: config.queueName,
      prefix: config.prefix,
    });
    try {
      const { executionId } = await producer.enqueue({ url: `${target.url}/jokes/random` });
      expect(await queue.getJobState(String(executionId))).not.toBe('unknown');
      const execution = await producer.waitForResult(executionId, { timeoutMs: 20_000 });
      expect(execution).toMatchObject({
        execution_id: executionId,
        state: 'completed',
        output: { status: 'success', status_code: 200 },
      });
    } finally {
      await producer.close();
    }
  });

  /** The options of the job one enqueue with these producer options writes. */
  async function jobOptionsWith(options: TaskProducerOptions): Promise<unknown> {
    const queue = start();
    const producer = new TaskProducer({
      redisUrl: config.redisUrl,
      queue: config.queueName,
      prefix: config.prefix,
      ...options,
    });
    try {
      const { executionId } = await producer.enqueue({ url: `${target.url}/jokes/random` });
      return (await queue.getJob(String(executionId)))?.opts;
    } finally {
      await producer.close();
    }
  }

  it('keepCompleted: the retention is applied to the jobs it enqueues', async () => {
    const opts = await jobOptionsWith({ keepCompleted: { count: 7 } });
    expect(opts).toMatchObject({ removeOnComplete: { age: 86_400, count: 7 } });
    // Not given: the workers' (TASKREST_KEEP_FAILED_*) applies.
    expect(opts).not.toHaveProperty('removeOnFail');
  });

  it("without keepCompleted and keepFailed: the job carries no retention, the worker's applies", async () => {
    expect(await jobOptionsWith({})).toEqual({ attempts: 1 });
  });

  it('connection: uses the caller’s client, waits for results, and leaves it open on close()', async () => {
    start();
    // A fail-fast client, as a service would create for enqueues.
    const connection = new Redis(config.redisUrl, {
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
    });
    connection.on('error', () => undefined);
    const producer = new TaskProducer({
      connection,
      queue: config.queueName,
      prefix: config.prefix,
    });
    try {
      const { executionId } = await producer.enqueue({ url: `${target.url}/jokes/random` });
      const execution = await producer.waitForResult(executionId, { timeoutMs: 20_000 });
      expect(execution).toMatchObject({ state: 'completed', output: { status: 'success' } });
      await producer.close();
      expect(connection.status).toBe('ready');
      expect(await connection.ping()).toBe('PONG');
    } finally {
      connection.disconnect();
    }
  });

  it('fromEnv: the same variables as the worker', async () => {
    start();
    const producer = TaskProducer.fromEnv(envOf(config));
    try {
      const { executionId } = await producer.enqueue({ url: `${target.url}/jokes/random` });
      const execution = await producer.waitForResult(executionId, { timeoutMs: 20_000 });
      expect(execution).toMatchObject({ state: 'completed', output: { status: 'success' } });
    } finally {
      await producer.close();
    }
  });

  it('fromEnv: a bad variable is a ConfigError naming it', () => {
    config = testConfig();
    expect(() => TaskProducer.fromEnv({ TASKREST_MAX_TASK_BYTES: 'lots' })).toThrow(ConfigError);
    expect(() => TaskProducer.fromEnv({ TASKREST_MAX_TASK_BYTES: 'lots' })).toThrow(
      /TASKREST_MAX_TASK_BYTES/,
    );
  });

  it('maxTaskBytes: a larger task is refused before it reaches Redis', async () => {
    const queue = start();
    const producer = new TaskProducer({
      redisUrl: config.redisUrl,
      queue: config.queueName,
      prefix: config.prefix,
      maxTaskBytes: 64,
    });
    try {
      await expect(
        producer.enqueue({ url: `${target.url}/jokes/random?${'x'.repeat(100)}` }),
      ).rejects.toMatchObject({ code: 'TASK_TOO_LARGE', limit: 64 });
      expect(await queue.count()).toBe(0);
    } finally {
      await producer.close();
    }
  });
});
