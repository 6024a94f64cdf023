import { EventEmitter } from 'node:events';
import type { Worker } from 'bullmq';

/** The events of the group's BullMQ Workers that it passes on as its own. */
const FORWARDED = ['ready', 'active', 'drained', 'completed', 'failed', 'error'] as const;

/**
 * The key of a running job in this process: its queue and its id (ids are
 * unique only within a queue). Queue names hold no `:`, so the first one
 * separates them.
 */
export function runKeyOf(queueName: string, jobId: string): string {
  return `${queueName}:${jobId}`;
}

/** The queue and job id of a key made by `runKeyOf`. */
export function parseRunKey(key: string): { queueName: string; jobId: string } {
  const at = key.indexOf(':');
  return { queueName: key.slice(0, at), jobId: key.slice(at + 1) };
}

/**
 * How WORKER_CONCURRENCY is shared by `queues` queues: evenly, the remainder
 * to the first ones, at least 1 each. Every queue has slots of its own, so a
 * busy queue can never take a quiet queue's; a process consuming more queues
 * than WORKER_CONCURRENCY runs one job per queue.
 */
export function shareConcurrency(total: number, queues: number): number[] {
  if (queues === 0) return [];
  const base = Math.floor(total / queues);
  const extra = total % queues;
  return Array.from({ length: queues }, (_, i) => Math.max(1, base + (i < extra ? 1 : 0)));
}

/**
 * One BullMQ Worker per consumed queue, seen from outside as one worker: it
 * passes on their events (a lost lock's job ids as `runKeyOf` keys), it runs
 * while all of them run, and it closes them all. The flow control itself
 * (rate limit, global concurrency, pause) is BullMQ's, read from each
 * queue's meta in Redis as jobs are handed out.
 */
export class WorkerGroup extends EventEmitter {
  readonly #workers = new Map<string, Worker>();
  #closing = false;

  /**
   * `create` makes the BullMQ Worker of one queue, with the concurrency it is
   * given; `onLetGo` is told a queue's name once its Worker closed because the
   * queue is no longer consumed.
   */
  constructor(
    private readonly create: (queueName: string, concurrency: number) => Worker,
    private readonly totalConcurrency: number,
    private readonly onLetGo: (queueName: string) => Promise<void> = () => Promise.resolve(),
  ) {
    super();
  }

  /** The queues consumed now. */
  queueNames(): string[] {
    return [...this.#workers.keys()];
  }

  /** Consumes exactly `names`: starts Workers for new queues, closes those of gone ones, shares the concurrency. */
  async setQueues(names: readonly string[]): Promise<void> {
    if (this.#closing) return;
    const wanted = new Set(names);
    const gone = [...this.#workers].filter(([name]) => !wanted.has(name));
    for (const [name] of gone) this.#workers.delete(name);
    const kept = [...this.#workers.keys()];
    const added = names.filter((name) => !this.#workers.has(name));
    const shares = shareConcurrency(this.totalConcurrency, kept.length + added.length);
    // A new Worker starts with its share: BullMQ's fetch loop begins at once.
    added.forEach((name, i) => this.#start(name, shares[kept.length + i]!));
    kept.forEach((name, i) => (this.#workers.get(name)!.concurrency = shares[i]!));
    await Promise.all(
      gone.map(async ([name, worker]) => {
        await worker.close();
        await this.onLetGo(name);
      }),
    );
  }

  /** True while every Worker runs (and there is at least one). */
  isRunning(): boolean {
    const workers = [...this.#workers.values()];
    return workers.length > 0 && workers.every((worker) => worker.isRunning());
  }

  /** Closes every Worker: no new jobs; resolves once the running ones finished. */
  async close(): Promise<void> {
    this.#closing = true;
    await Promise.all([...this.#workers.values()].map((worker) => worker.close()));
  }

  /** Drops every Worker's connections at once (a stop without Redis). */
  disconnect(): void {
    for (const worker of this.#workers.values()) worker.disconnect().catch(() => undefined);
  }

  #start(name: string, concurrency: number): void {
    const worker = this.create(name, concurrency);
    for (const event of FORWARDED) {
      worker.on(event, (...args: unknown[]) => this.emit(event, ...args));
    }
    worker.on('lockRenewalFailed', (jobIds: string[]) =>
      this.emit(
        'lockRenewalFailed',
        jobIds.map((id) => runKeyOf(name, id)),
      ),
    );
    this.#workers.set(name, worker);
  }
}
