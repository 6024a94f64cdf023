import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Config } from '../../../shared/config.js';
import { RedisUnavailableError } from '../../../shared/errors/redis-unavailable-error.js';
import { createRedis } from '../../../shared/redis-connection.js';
import { TaskProducer } from '../../../producer/task-producer.js';
import { TestQueue } from '../../helpers/test-queue.js';
import { producerOptionsOf } from '../../../producer/task-producer-options.js';
import { ownRedis, type OwnRedis } from '../../helpers/own-redis.js';
import { runCli } from '../../helpers/run-cli.js';
import { envOf, testConfig } from '../../helpers/test-config.js';

/** Generous for a loaded machine, yet far below "hangs until Redis comes back". */
const FAST_MS = 2500;

/** Redis unreachable when a caller enqueues. */
describe('Redis down at enqueue', () => {
  let redis: OwnRedis;
  let config: Config;
  let producer: TaskProducer;
  let queue: TestQueue;

  beforeEach(async () => {
    redis = await ownRedis({ running: false });
    config = testConfig({ REDIS_URL: redis.url });
    producer = new TaskProducer(producerOptionsOf(config));
    queue = new TestQueue(config);
  });
  afterEach(async () => {
    await producer.close();
    await queue.close();
    await redis.destroy();
  });

  async function rejectsFast(call: () => Promise<unknown>): Promise<void> {
    const startedAt = Date.now();
    await expect(call()).rejects.toBeInstanceOf(RedisUnavailableError);
    expect(Date.now() - startedAt).toBeLessThan(FAST_MS);
  }

  async function keyCount(): Promise<number> {
    const client = new Redis(redis.url);
    try {
      // BullMQ's Queue writes its `meta` hash whenever it (re)connects: that stores no task.
      const keys = await client.keys(`${config.prefix}:*`);
      return keys.filter((key) => !key.endsWith(':meta')).length;
    } finally {
      client.disconnect();
    }
  }

  it('never started: enqueue, enqueueBulk and the CLI fail fast, and nothing is stored', async () => {
    await rejectsFast(() => producer.enqueue({ url: 'http://127.0.0.1:9/' }));
    await rejectsFast(() => producer.enqueueBulk([{ url: 'http://127.0.0.1:9/' }]));
    const startedAt = Date.now();
    const cli = await runCli(['enqueue', '--json', '{"url":"http://127.0.0.1:9/"}'], envOf(config));
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(/Redis/);
    expect(Date.now() - startedAt).toBeLessThan(FAST_MS + 3000);

    await redis.start();
    expect(await keyCount()).toBe(0);
  });

  it('gone after a first enqueue: the next one fails fast; the first is still there after the restart', async () => {
    await redis.start();
    // The producer's own kind of connection (createRedis 'producer'), held
    // here so the test can wait until it has seen Redis go: a command
    // written before the close is seen is an outcome unknown, not this case
    // (redis-frozen-enqueue.test.ts covers that one).
    const { redisUrl: _url, ...options } = producerOptionsOf(config);
    const connection = createRedis(config, 'producer');
    const watched = new TaskProducer({ ...options, connection });
    try {
      const { executionId } = await watched.enqueue({ url: 'http://127.0.0.1:9/first' });
      const closed = new Promise((resolve) => connection.once('close', resolve));
      await redis.stop('SIGKILL');
      await closed;
      await rejectsFast(() => watched.enqueue({ url: 'http://127.0.0.1:9/second' }));

      await redis.start();
      // getExecution waits for the producer's connection to be back.
      expect(await watched.getExecution(executionId)).toMatchObject({ state: 'waiting' });
      // Read with a Queue made now: the test's own Queue lived through the
      // outage on a fail-fast connection, and BullMQ can keep a failure of
      // it for good (CI once read MaxRetriesPerRequestError from it here).
      // What the producer does after such an outage:
      // redis-gone-at-version-read.test.ts.
      const after = new TestQueue(config);
      try {
        await after.reconnected();
        const waiting = await after.getWaiting();
        expect(waiting.map((job) => job.id)).toEqual([String(executionId)]);
      } finally {
        await after.close();
      }
    } finally {
      await watched.close();
      connection.disconnect();
    }
  });
});
