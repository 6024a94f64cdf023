import { QUEUE_NAME } from './config-variables.js';
import { queueRegistryKey } from './queue-keys.js';
import type { RedisClient } from './redis-connection.js';

/**
 * The registry of queue names: one Redis set under TASKREST_PREFIX. Enqueueing
 * to a queue or setting its limits adds its name; removing the queue takes
 * it out. Workers without TASKREST_QUEUES read it to know what to consume.
 */
export const queueRegistry = {
  /** Every registered queue name, sorted. */
  async list(redis: RedisClient, prefix: string): Promise<string[]> {
    const names = await redis.smembers(queueRegistryKey(prefix));
    return names.filter((name) => QUEUE_NAME.test(name)).sort();
  },
  async add(redis: RedisClient, prefix: string, name: string): Promise<void> {
    await redis.sadd(queueRegistryKey(prefix), name);
  },
  async has(redis: RedisClient, prefix: string, name: string): Promise<boolean> {
    return (await redis.sismember(queueRegistryKey(prefix), name)) === 1;
  },
  async remove(redis: RedisClient, prefix: string, name: string): Promise<void> {
    await redis.srem(queueRegistryKey(prefix), name);
  },
};
