import { Queue } from 'bullmq';
import type { Config } from '../shared/config.js';
import { bullPrefixOf } from '../shared/queue-keys.js';
import { queueRegistry } from '../shared/queue-registry.js';
import type { RedisClient } from '../shared/redis-connection.js';

/**
 * The API's read-only view of every queue, for the dashboard and `/metrics`:
 * one BullMQ Queue per taskrest queue, made when first seen, on the API's one
 * connection. Which queues exist comes from the registry (plus the default one).
 */
export class QueueViews {
  readonly #queues = new Map<string, Queue>();
  readonly #redis: RedisClient;
  readonly #config: Pick<Config, 'prefix' | 'queueName'>;

  constructor(redis: RedisClient, config: Pick<Config, 'prefix' | 'queueName'>) {
    this.#redis = redis;
    this.#config = config;
  }

  /** The names of every queue now, sorted. */
  async names(): Promise<string[]> {
    const names = new Set(await queueRegistry.list(this.#redis, this.#config.prefix));
    names.add(this.#config.queueName);
    return [...names].sort();
  }

  /** The BullMQ Queue of `name`. */
  queueOf(name: string): Queue {
    let queue = this.#queues.get(name);
    if (!queue) {
      queue = new Queue(name, {
        connection: this.#redis,
        prefix: bullPrefixOf({ prefix: this.#config.prefix, queueName: name }),
        // A view writes nothing as it is made: a queue removed while the view
        // was being made would get its meta back.
        skipMetasUpdate: true,
      });
      queue.on('error', () => undefined);
      this.#queues.set(name, queue);
    }
    return queue;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#queues.values()].map((queue) => queue.close()));
  }
}
