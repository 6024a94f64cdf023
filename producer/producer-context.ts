import { FlowProducer, Queue, type FlowJob, type Job, type JobsOptions } from 'bullmq';
import { bullPrefixOf, type QueueRef } from '../shared/queue-keys.js';
import { TooManyQueuesError } from '../shared/errors/too-many-queues-error.js';
import { queueRegistry } from '../shared/queue-registry.js';
import { checkQueueName } from '../shared/queue-settings.js';
import {
  createRedis,
  duplicateForBlocking,
  withRedis,
  type RedisClient,
  type WithRedisOptions,
} from '../shared/redis-connection.js';
import { defaultJobOptions, jobKey } from '../shared/task-queue.js';
import type { ProducerSettings } from './task-producer-options.js';

/**
 * What a producer and its helpers (`queues`, `schedules`, the execution
 * reader and control, the job-data builder) share: the settings, the Redis
 * connection, one BullMQ Queue per taskrest queue, and the queue registry.
 * Like BullMQ's QueueBase under Queue and QueueGetters: the helpers take this
 * one object rather than each a copy of its fields and callbacks into the
 * producer, so that a queue is made once and closed once.
 */
export class ProducerContext {
  /** The producer's options, defaults applied and checked. */
  readonly settings: ProducerSettings;
  /** The fail-fast connection every command of the producer goes through. */
  readonly connection: RedisClient;
  /** Whether `close()` closes the connection: only one the producer created. */
  readonly #ownsConnection: boolean;
  /** One BullMQ Queue per taskrest queue used so far, by name. */
  readonly #queues = new Map<string, Queue>();
  /** Queues this producer put in the registry (once each, not on every enqueue). */
  readonly #registered = new Set<string>();
  /** Adds executions with a callback (a flow each); made when first needed. */
  #flows: FlowProducer | undefined;

  /** Uses `settings.connection` when given, else creates a connection to `settings.redisUrl`. */
  constructor(settings: ProducerSettings) {
    this.settings = settings;
    this.#ownsConnection = settings.connection === undefined;
    this.connection = settings.connection ?? createRedis(settings, 'producer');
    // Without a listener, a Redis outage would crash the caller's process.
    if (this.#ownsConnection) this.connection.on('error', () => undefined);
  }

  /** TASKREST_PREFIX: where the registry and every queue's keys live. */
  get prefix(): string {
    return this.settings.prefix;
  }

  /** The queue of calls that name none: always listed, and it exists without being registered. */
  get defaultQueue(): string {
    return this.settings.queueName;
  }

  /** Runs `call` on the producer's connection once Redis is ready (see `withRedis`). */
  withRedis<T>(call: () => Promise<T>, options?: WithRedisOptions): Promise<T> {
    return withRedis(this.connection, call, options);
  }

  /** The BullMQ Queue of a taskrest queue (the default one without a name); the name checked. */
  queueOf(name?: string): Queue {
    const queueName = name === undefined ? this.defaultQueue : checkQueueName(name);
    let queue = this.#queues.get(queueName);
    if (!queue) {
      queue = new Queue(queueName, {
        connection: this.connection,
        prefix: this.bullPrefixOf(queueName),
        defaultJobOptions: this.defaultJobOptions(),
        // A Queue made is no queue created: without this BullMQ writes the
        // queue's meta as the object is made, so that reading (or being refused
        // the creation of) a queue that does not exist would leave a key of it.
        // The first job's script writes what the meta needs.
        skipMetasUpdate: true,
        // BullMQ reads the Redis version as the Queue is made, on a Cluster as
        // soon as it is connected, before it is ready: without an offline
        // queue that read fails and leaves the Queue broken for good. Every
        // call here waits for the connection to be ready (withRedis) instead;
        // the workers check the version.
        ...(this.settings.redisCluster ? { skipVersionCheck: true } : {}),
      });
      queue.on('error', () => undefined);
      this.#queues.set(queueName, queue);
    }
    return queue;
  }

  /** What locates a queue's keys under this producer's prefix. */
  refOf(queueName: string): QueueRef {
    return { prefix: this.prefix, queueName };
  }

  /** The BullMQ `prefix` option of a queue (its hash tag). */
  bullPrefixOf(queueName: string): string {
    return bullPrefixOf(this.refOf(queueName));
  }

  /** The Redis key of a job's hash. */
  jobKeyOf(queueName: string, jobId: string): string {
    return jobKey(this.refOf(queueName), jobId);
  }

  /** The job options every enqueue starts from (the retention given to the producer). */
  defaultJobOptions(): JobsOptions {
    return defaultJobOptions(this.settings);
  }

  /**
   * A new connection for blocking reads (an event stream), never the
   * fail-fast one; the caller owns and closes it. One of the producer's own
   * making when it made its connection, else a copy of the caller's.
   */
  blockingConnection(): RedisClient {
    return this.#ownsConnection
      ? createRedis(this.settings, 'worker')
      : duplicateForBlocking(this.connection);
  }

  /** Every queue (the registry's and the default one), by name. */
  async queueNames(): Promise<string[]> {
    const names = new Set(await queueRegistry.list(this.connection, this.prefix));
    names.add(this.defaultQueue);
    return [...names].sort();
  }

  /** Whether the queue exists: the default one, or one in the registry. */
  async hasQueue(name: string): Promise<boolean> {
    return (
      name === this.defaultQueue || (await queueRegistry.has(this.connection, this.prefix, name))
    );
  }

  /**
   * Puts the queue's name in the registry, so that it is listed and workers
   * find it; TooManyQueuesError when that would make more queues than
   * `maxQueues` (nothing was stored).
   */
  async register(queueName: string): Promise<void> {
    const { maxQueues } = this.settings;
    const registered = await queueRegistry.add(this.connection, this.prefix, queueName, {
      maxQueues,
      defaultQueue: this.defaultQueue,
    });
    if (registered === 'full') throw new TooManyQueuesError(queueName, maxQueues);
  }

  /** Takes the queue's name out of the registry. */
  unregister(queueName: string): Promise<void> {
    return queueRegistry.remove(this.connection, this.prefix, queueName);
  }

  /**
   * Runs `write` with the queue's name in the registry (the first time):
   * enqueueing to a queue that does not exist creates it, as BullMQ's queues
   * come into being with their first job. A new queue may be refused (the
   * limit of queues), and then nothing of it may be stored: its name goes
   * first, alone. The default queue is never refused: its name goes out
   * together with the write, as one write, so that a Redis that stops
   * answering makes the whole write's outcome unknown (and the write runs
   * when Redis wakes) rather than a registry call that sent nothing else.
   */
  async registeredWith<T>(queueName: string, write: () => Promise<T>): Promise<T> {
    if (queueName !== this.defaultQueue) {
      await this.ensureRegistered(queueName);
      return write();
    }
    if (this.#registered.has(queueName)) return write();
    const registering = this.register(queueName);
    // Awaited below; a failure here is the same failure `write` meets.
    registering.catch(() => undefined);
    const written = await write();
    await registering;
    this.#registered.add(queueName);
    return written;
  }

  /** Registers the queue unless this producer did already (`register`, once per queue). */
  async ensureRegistered(queueName: string): Promise<void> {
    if (this.#registered.has(queueName)) return;
    await this.register(queueName);
    this.#registered.add(queueName);
  }

  /** Forgets that the queue was registered (it was removed), so that the next write registers it again. */
  forget(queueName: string): void {
    this.#registered.delete(queueName);
  }

  /** Adds flows in one write; the root job of each, in order. */
  async addFlows(flows: readonly FlowJob[]): Promise<Job[]> {
    if (!this.#flows) {
      this.#flows = new FlowProducer({ connection: this.connection });
      this.#flows.on('error', () => undefined);
    }
    const trees = await this.#flows.addBulk([...flows]);
    // A flow's execution is its child; a flow of one job is the execution itself.
    return trees.map((tree) => tree.children?.[0]?.job ?? tree.job);
  }

  /**
   * Closes every queue and the flow producer, then the connection when the
   * producer made it (one given in the options is the caller's and stays open).
   */
  async close(): Promise<void> {
    await Promise.all([...this.#queues.values()].map((queue) => queue.close()));
    await this.#flows?.close();
    if (this.#ownsConnection) {
      await this.connection.quit().catch(() => this.connection.disconnect());
    }
  }
}
