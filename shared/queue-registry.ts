import { QUEUE_NAME } from './config-variables.js';
import { queueRegistryKey } from './queue-keys.js';
import type { RedisClient } from './redis-connection.js';

/** What `queueRegistry.add` did: put the name in, found it there, or refused it (the registry is full). */
export type Registered = 'added' | 'known' | 'full';

/** How many queues there may be, and which one exists without being registered. */
export interface RegistryLimit {
  /** The most queues, `defaultQueue` included (TASKREST_MAX_QUEUES). */
  readonly maxQueues: number;
  /** The default queue (TASKREST_QUEUE): always allowed, and counted whether registered or not. */
  readonly defaultQueue: string;
}

/**
 * Adds ARGV[1] to the set KEYS[1] unless that makes more than ARGV[3]
 * queues, counting ARGV[2] (the default queue) as one whether it is in the
 * set or not. One script, so that producers adding at the same moment
 * cannot together go past the limit.
 */
const ADD_SCRIPT = `
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return 'known' end
if ARGV[1] ~= ARGV[2] then
  local count = redis.call('SCARD', KEYS[1])
  if redis.call('SISMEMBER', KEYS[1], ARGV[2]) == 0 then count = count + 1 end
  if count >= tonumber(ARGV[3]) then return 'full' end
end
redis.call('SADD', KEYS[1], ARGV[1])
return 'added'
`;

/**
 * The registry of queue names: one Redis set under TASKREST_PREFIX. Enqueueing
 * to a queue or setting its limits adds its name (within the limit of
 * queues); removing the queue takes it out. Workers without TASKREST_QUEUES
 * read it to know what to consume.
 */
export const queueRegistry = {
  /** Every registered queue name, sorted. */
  async list(redis: RedisClient, prefix: string): Promise<string[]> {
    const names = await redis.smembers(queueRegistryKey(prefix));
    return names.filter((name) => QUEUE_NAME.test(name)).sort();
  },
  /** Registers `name`, unless it would be a queue beyond `limit.maxQueues` (`full`: nothing was stored). */
  async add(
    redis: RedisClient,
    prefix: string,
    name: string,
    limit: RegistryLimit,
  ): Promise<Registered> {
    const answer = await redis.eval(
      ADD_SCRIPT,
      1,
      queueRegistryKey(prefix),
      name,
      limit.defaultQueue,
      limit.maxQueues,
    );
    return answer as Registered;
  },
  async has(redis: RedisClient, prefix: string, name: string): Promise<boolean> {
    return (await redis.sismember(queueRegistryKey(prefix), name)) === 1;
  },
  async remove(redis: RedisClient, prefix: string, name: string): Promise<void> {
    await redis.srem(queueRegistryKey(prefix), name);
  },
};
