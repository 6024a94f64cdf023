import { QueueNotEmptyError } from '../shared/errors/queue-not-empty-error.js';
import { QueueNotFoundError } from '../shared/errors/queue-not-found-error.js';
import { oldestWaiting } from '../shared/oldest-waiting.js';
import {
  checkQueueName,
  parseQueueSettings,
  type QueueInfo,
  type QueueSettings,
} from '../shared/queue-settings.js';
import { queueKeyBase, type QueueRef } from '../shared/queue-keys.js';
import { workerMetricsKey } from '../shared/worker-metrics.js';
import type { ProducerContext } from './producer-context.js';

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

/** Options of `queues.remove`. */
export interface RemoveQueueOptions {
  /** Remove the queue with the executions it holds (none may be active). @defaultValue false */
  force?: boolean;
}

/**
 * Queues with their flow control, in the shape of Cloud Tasks queues, kept
 * entirely in BullMQ's own queue meta: the rate limit is BullMQ's global rate
 * limit, `max_concurrency` its global concurrency, `paused` its pause. BullMQ's
 * move-to-active script reads them from Redis on every job it hands out, so
 * they hold across all workers together and changes apply without restarts.
 */
export class QueueAdmin {
  readonly #context: ProducerContext;

  constructor(context: ProducerContext) {
    this.#context = context;
  }

  /** Every queue (the registry's and the default one), by name. */
  async list(): Promise<QueueInfo[]> {
    return this.#context.withRedis(async () => {
      const names = await this.#context.queueNames();
      return Promise.all(names.map((name) => this.#info(name)));
    });
  }

  /** One queue; QueueNotFoundError when it does not exist. */
  async get(name: string): Promise<QueueInfo> {
    const queue = checkQueueName(name);
    return this.#context.withRedis(async () => {
      if (!(await this.#context.hasQueue(queue))) throw new QueueNotFoundError(queue);
      return this.#info(queue);
    });
  }

  /**
   * Creates the queue or changes its settings; fields left out stay as they
   * are, null removes a limit. Throws InvalidQueueError naming each bad
   * field, TooManyQueuesError when a new queue would be one too many (then
   * nothing of it is stored).
   */
  async set(name: string, settings: QueueSettings = {}): Promise<QueueInfo> {
    const queueName = checkQueueName(name);
    const checked = parseQueueSettings(settings);
    const queue = this.#context.queueOf(queueName);
    return this.#context.withRedis(async () => {
      // First: the registry may refuse a new queue, and its settings must not be stored then.
      await this.#context.register(queueName);
      const { rate_limit: rate, max_concurrency: concurrency, paused } = checked;
      if (rate === null) await queue.removeGlobalRateLimit();
      else if (rate) await queue.setGlobalRateLimit(rate.max, Math.round(rate.per_seconds * 1000));
      if (concurrency === null) await queue.removeGlobalConcurrency();
      else if (concurrency !== undefined) await queue.setGlobalConcurrency(concurrency);
      if (paused === true) await queue.pause();
      if (paused === false) await queue.resume();
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
   * Removes a queue, its settings and every key of it. QueueNotEmptyError
   * when executions remain (any state), unless `force`: then they are
   * removed with it, running ones included (BullMQ's obliterate; a worker
   * running one loses its lock and aborts it). What obliterate leaves (the
   * counts for `/metrics`, a rate limit's hold) goes too; the files resource,
   * which lives among the default queue's keys, stays.
   */
  async remove(name: string, { force = false }: RemoveQueueOptions = {}): Promise<void> {
    const queueName = checkQueueName(name);
    const queue = this.#context.queueOf(queueName);
    await this.#context.withRedis(async () => {
      if (!(await this.#context.hasQueue(queueName))) throw new QueueNotFoundError(queueName);
      const left = total(await queue.getJobCounts(...QUEUE_STATES));
      if (left > 0 && !force) throw new QueueNotEmptyError(queueName, left);
      await this.#context.unregister(queueName);
      await queue.obliterate({ force: true });
      await this.#context.connection.del(...leftByObliterate(this.#context.refOf(queueName)));
      this.#context.forget(queueName);
    });
  }

  async #info(name: string): Promise<QueueInfo> {
    const queue = this.#context.queueOf(name);
    const [rate, concurrency, paused, counts, oldest] = await Promise.all([
      queue.getGlobalRateLimit(),
      queue.getGlobalConcurrency(),
      queue.isPaused(),
      queue.getJobCounts(...QUEUE_STATES),
      oldestWaiting(this.#context.connection, queueKeyBase(this.#context.refOf(name))),
    ]);
    return {
      name,
      rate_limit: rate ? { max: rate.max, per_seconds: rate.duration / 1000 } : null,
      max_concurrency: concurrency,
      paused,
      counts,
      oldest_waiting_at: oldest ? new Date(oldest.since).toISOString() : null,
    };
  }
}

/** The keys of a queue that BullMQ's obliterate does not know: taskrest's own, and the rate limit's hold. */
function leftByObliterate(ref: QueueRef): string[] {
  return [workerMetricsKey(ref), `${queueKeyBase(ref)}:limiter`];
}

function total(counts: Record<string, number>): number {
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}
