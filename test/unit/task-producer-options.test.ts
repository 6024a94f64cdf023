import { describe, expect, it } from 'vitest';
import {
  PRODUCER_DEFAULTS,
  producerOptionsOf,
  resolveProducerOptions,
  type TaskProducerOptions,
} from '../../producer/task-producer-options.js';
import { loadConfig } from '../../shared/config.js';
import { ConfigError, ErrorCode, TaskrestError } from '../../shared/errors/index.js';

const KEY_HEX = 'ab'.repeat(32);

describe('TaskProducer options', () => {
  it('defaults: the same as the environment defaults of the worker', () => {
    const settings = resolveProducerOptions();
    const env = loadConfig({});
    expect(settings).toEqual({
      connection: undefined,
      redisUrl: 'redis://127.0.0.1:6379',
      redisCluster: false,
      queueName: 'rest-tasks',
      prefix: 'taskrest',
      secretKey: undefined,
      oldSecretKeys: [],
      maxQueues: 100,
      maxTaskBytes: 1024 * 1024,
      maxFileBytes: 32 * 1024 * 1024,
      // None of its own: the workers' retention applies.
      keepCompleted: undefined,
      keepFailed: undefined,
    });
    expect(settings.queueName).toBe(env.queueName);
    expect(settings.prefix).toBe(env.prefix);
    expect(settings.maxQueues).toBe(env.maxQueues);
    expect(settings.maxTaskBytes).toBe(env.maxTaskBytes);
    expect(settings.maxFileBytes).toBe(env.maxFileBytes);
    expect(resolveProducerOptions({}).queueName).toBe(PRODUCER_DEFAULTS.queue);
  });

  it("the caller's options go over the defaults; a partial retention keeps the other default", () => {
    const settings = resolveProducerOptions({
      redisUrl: 'redis://redis.internal:6380',
      queue: 'billing',
      prefix: '{billing}',
      secretKey: KEY_HEX,
      oldSecretKeys: [Buffer.alloc(32, 1)],
      maxTaskBytes: 2048,
      maxFileBytes: 4096,
      keepCompleted: { count: 5 },
      keepFailed: { age: 60 },
    });
    expect(settings).toMatchObject({
      redisUrl: 'redis://redis.internal:6380',
      queueName: 'billing',
      prefix: '{billing}',
      maxTaskBytes: 2048,
      maxFileBytes: 4096,
      keepCompleted: { age: 86_400, count: 5 },
      keepFailed: { age: 60, count: 50_000 },
    });
    expect(settings.secretKey).toEqual(Buffer.from(KEY_HEX, 'hex'));
    expect(settings.oldSecretKeys).toEqual([Buffer.alloc(32, 1)]);
  });

  it('an option given as undefined keeps its default', () => {
    expect(resolveProducerOptions({ queue: undefined }).queueName).toBe('rest-tasks');
  });

  it.each([
    [{ queue: 'has space' }, /queue: expected letters, digits/],
    [{ prefix: '' }, /prefix: expected a non-empty prefix/],
    [{ maxTaskBytes: 0 }, /maxTaskBytes: expected a whole number >= 1/],
    [{ maxFileBytes: 1.5 }, /maxFileBytes: expected a whole number/],
    [{ secretKey: 'short' }, /secretKey: expected 32 bytes/],
    [{ oldSecretKeys: [Buffer.alloc(16)] }, /oldSecretKeys\.0: expected 32 bytes/],
    [{ keepCompleted: { age: -1 } }, /keepCompleted\.age: expected seconds >= 0/],
    [{ connection: {} }, /connection: expected an ioredis Redis or Cluster/],
    [{ queueName: 'x' }, /unknown option queueName/],
    [{ redisUrl: 'redis://a', connection: {} }, /give connection or redisUrl, not both/],
  ])('refuses %j with a ConfigError naming it', (options, message) => {
    let thrown: unknown;
    try {
      resolveProducerOptions(options as TaskProducerOptions);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect(thrown).toBeInstanceOf(TaskrestError);
    expect((thrown as ConfigError).code).toBe(ErrorCode.INVALID_CONFIG);
    expect((thrown as Error).message).toMatch(/^invalid TaskProducer options: /);
    expect((thrown as Error).message).toMatch(message);
  });

  it("from the environment: every producer setting comes from its variable; retention is the workers'", () => {
    const config = loadConfig({
      REDIS_URL: 'redis://10.0.0.5:6379',
      TASKREST_QUEUE: 'q1',
      TASKREST_PREFIX: '{p1}',
      TASKREST_SECRET_KEY: KEY_HEX,
      TASKREST_MAX_TASK_BYTES: '100',
      TASKREST_MAX_FILE_BYTES: '200',
      TASKREST_KEEP_COMPLETED_COUNT: '3',
      TASKREST_KEEP_FAILED_SECONDS: '9',
    });
    expect(resolveProducerOptions(producerOptionsOf(config))).toMatchObject({
      redisUrl: 'redis://10.0.0.5:6379',
      redisCluster: false,
      queueName: 'q1',
      prefix: '{p1}',
      secretKey: Buffer.from(KEY_HEX, 'hex'),
      maxTaskBytes: 100,
      maxFileBytes: 200,
      keepCompleted: undefined,
      keepFailed: undefined,
    });
  });
});
