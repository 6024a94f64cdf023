import { QueueEvents } from 'bullmq';
import type { RedisClient } from '../shared/redis-connection.js';

/** A wait for one job to finish; `cancel` frees it (always call it). */
export interface PendingWait {
  readonly promise: Promise<void>;
  cancel(): void;
}

/**
 * One BullMQ QueueEvents stream shared by every wait of a producer, so that a
 * thousand callers waiting on results cost one Redis connection, not a thousand.
 * The wait resolves on completion, failure, or timeout alike: the caller reads
 * the execution afterwards and its state tells which.
 */
export class CompletionWaiter {
  readonly #connection: RedisClient;
  readonly #events: QueueEvents;
  readonly #waiting = new Map<string, Set<() => void>>();

  /**
   * `connection` is the waiter's own (it blocks reading the event stream and
   * closes it in `close`): a worker-role client, never a shared one.
   */
  constructor(connection: RedisClient, queue: { queueName: string; prefix: string }) {
    this.#connection = connection;
    this.#connection.on('error', () => undefined);
    this.#events = new QueueEvents(queue.queueName, {
      connection: this.#connection,
      prefix: queue.prefix,
    });
    this.#events.on('error', () => undefined);
    const settle = ({ jobId }: { jobId: string }) => {
      for (const resolve of this.#waiting.get(jobId) ?? []) resolve();
    };
    this.#events.on('completed', settle);
    this.#events.on('failed', settle);
  }

  /** Starts waiting; subscribe before reading the state, so no finish is missed. */
  waitFor(jobId: string, timeoutMs: number): PendingWait {
    let release = (): void => undefined;
    const promise = new Promise<void>((resolve) => {
      const timer = setTimeout(() => release(), timeoutMs);
      release = () => {
        clearTimeout(timer);
        const set = this.#waiting.get(jobId);
        set?.delete(release);
        if (set?.size === 0) this.#waiting.delete(jobId);
        resolve();
      };
      const set = this.#waiting.get(jobId) ?? new Set();
      set.add(release);
      this.#waiting.set(jobId, set);
    });
    const ready = this.#events.waitUntilReady().then(() => promise);
    // A caller whose state read failed stops before awaiting this: a later
    // failure to connect the event stream must not be an unhandled rejection.
    ready.catch(() => undefined);
    return { promise: ready, cancel: () => release() };
  }

  async close(): Promise<void> {
    for (const set of this.#waiting.values()) for (const release of [...set]) release();
    await this.#events.close();
    await this.#connection.quit().catch(() => this.#connection.disconnect());
  }
}
