import type { Queue } from 'bullmq';
import { QueueNotEmptyError } from '../shared/errors/queue-not-empty-error.js';
import { QueueNotFoundError } from '../shared/errors/queue-not-found-error.js';
import { queueRegistry } from '../shared/queue-registry.js';
import {
  checkQueueName,
  parseQueueSettings,
  type QueueInfo,
  type QueueSettings,
} from '../shared/queue-settings.js';
import { withRedis, type RedisClient } from '../shared/redis-connection.js';

/** The states a queue's counts list. */
export const QUEUE_STATES = [
  'waiting',
  'delayed',
  'prioritized',
  'waiting-children',
  'active',
  'completed',
  'failed',
] as const;

/** What QueueAdmin works with: the producer's connection and its BullMQ queues. */
export interface QueueAdminDeps {
  readonly connection: RedisClient;
  /** TASKREST_PREFIX: where the registry lives. */
  readonly prefix: string;
  /** The default queue: always listed, and it exists without being registered. */
  readonly defaultQueue: string;
  /** The BullMQ Queue of a checked name (the producer's, shared with enqueue). */
  queueOf(name: string): Queue;
  /** Told when a queue was removed (so that the next enqueue registers it again). */
  forget(name: string): void;
}

/**
 * Queues with their flow control, in the shape of Cloud Tasks queues, kept
 * entirely in BullMQ's own queue meta: the rate limit is BullMQ's global rate
 * limit, `max_concurrency` its global concurrency, `paused` its pause. BullMQ's
 * move-to-active script reads them from Redis on every job it hands out, so
 * they hold across all workers together and changes apply without restarts.
 */
export class QueueAdmin {
  constructor(private readonly deps: QueueAdminDeps) {}

  /** Every queue (the registry's and the default one), by name. */
  async list(): Promise<QueueInfo[]> {
    return withRedis(this.deps.connection, async () => {
      const names = new Set(await queueRegistry.list(this.deps.connection, this.deps.prefix));
      names.add(this.deps.defaultQueue);
      return Promise.all([...names].sort().map((name) => this.#info(name)));
    });
  }

  /** One queue; QueueNotFoundError when it does not exist. */
  async get(name: string): Promise<QueueInfo> {
    const queue = checkQueueName(name);
    return withRedis(this.deps.connection, async () => {
      if (!(await this.#exists(queue))) throw new QueueNotFoundError(queue);
      return this.#info(queue);
    });
  }

  /**
   * Creates the queue or changes its settings; fields left out stay as they
   * are, null removes a limit. Throws InvalidQueueError naming each bad field.
   */
  async set(name: string, settings: QueueSettings = {}): Promise<QueueInfo> {
    const queueName = checkQueueName(name);
    const checked = parseQueueSettings(settings);
    const queue = this.deps.queueOf(queueName);
    return withRedis(this.deps.connection, async () => {
      const { rate_limit: rate, max_concurrency: concurrency, paused } = checked;
      if (rate === null) await queue.removeGlobalRateLimit();
      else if (rate) await queue.setGlobalRateLimit(rate.max, Math.round(rate.per_seconds * 1000));
      if (concurrency === null) await queue.removeGlobalConcurrency();
      else if (concurrency !== undefined) await queue.setGlobalConcurrency(concurrency);
      if (paused === true) await queue.pause();
      if (paused === false) await queue.resume();
      await queueRegistry.add(this.deps.connection, this.deps.prefix, queueName);
      return this.#info(queueName);
    });
  }

  /** Holds every execution of the queue back (running ones finish). */
  async pause(name: string): Promise<QueueInfo> {
    await this.get(name);
    return this.set(name, { paused: true });
  }

  /** Lets the queue's executions run again. */
  async resume(name: string): Promise<QueueInfo> {
    await this.get(name);
    return this.set(name, { paused: false });
  }

  /**
   * Removes a queue and its settings. QueueNotEmptyError when executions
   * remain (any state), unless `force`: then they are removed with it
   * (BullMQ's obliterate; it refuses while executions are active).
   */
  async remove(name: string, { force = false } = {}): Promise<void> {
    const queueName = checkQueueName(name);
    const queue = this.deps.queueOf(queueName);
    await withRedis(this.deps.connection, async () => {
      if (!(await this.#exists(queueName))) throw new QueueNotFoundError(queueName);
      const left = total(await queue.getJobCounts(...QUEUE_STATES));
      if (left > 0 && !force) throw new QueueNotEmptyError(queueName, left);
      await queueRegistry.remove(this.deps.connection, this.deps.prefix, queueName);
      await queue.obliterate({ force: true });
      this.deps.forget(queueName);
    });
  }

  async #exists(name: string): Promise<boolean> {
    return (
      name === this.deps.defaultQueue ||
      (await queueRegistry.has(this.deps.connection, this.deps.prefix, name))
    );
  }

  async #info(name: string): Promise<QueueInfo> {
    const queue = this.deps.queueOf(name);
    const [rate, concurrency, paused, counts] = await Promise.all([
      queue.getGlobalRateLimit(),
      queue.getGlobalConcurrency(),
      queue.isPaused(),
      queue.getJobCounts(...QUEUE_STATES),
    ]);
    return {
      name,
      rate_limit: rate ? { max: rate.max, per_seconds: rate.duration / 1000 } : null,
      max_concurrency: concurrency,
      paused,
      counts,
    };
  }
}

function total(counts: Record<string, number>): number {
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}
