import { EventEmitter } from 'node:events';
import type { Worker } from 'bullmq';
import { coerceError } from '../../shared/errors/coerce-error.js';
import { shareSlots, type QueueLoad } from './concurrency-shares.js';

/** The events of the group's BullMQ Workers that it passes on as its own. */
const FORWARDED = ['ready', 'active', 'drained', 'completed', 'failed', 'error'] as const;

/** How often WORKER_CONCURRENCY is shared again between the queues, by what each does now. */
export const RESHARE_MS = 1000;

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

/** Runs one job of a queue, counted among the queue's running jobs while it runs. */
export type Counted = <T>(work: () => Promise<T>) => Promise<T>;

/** What a WorkerGroup is made of. */
export interface WorkerGroupOptions {
  /**
   * Makes the BullMQ Worker of one queue with the concurrency given; its
   * processor runs each job through `counted`, so that the group knows
   * what every queue runs.
   */
  readonly create: (queueName: string, concurrency: number, counted: Counted) => Worker;
  /** WORKER_CONCURRENCY: the slots the queues share. */
  readonly totalConcurrency: number;
  /**
   * How many of the queue's waiting jobs its limits let start now: asked of
   * a queue whose slots are all taken. @defaultValue none (its running jobs are its demand)
   */
  readonly startable?: (queueName: string) => Promise<number>;
  /** Told once a queue no longer consumed has its Worker closed. */
  readonly onLetGo?: (queueName: string) => Promise<void>;
  /** @defaultValue RESHARE_MS */
  readonly reshareMs?: number;
}

/** What one consumed queue does in this process: what it runs, and its demand at the last share. */
interface Load {
  running: number;
  /** Its running jobs plus those it could start, at the last share. */
  demand: number;
}

/** One consumed queue: its BullMQ Worker and its load. */
interface Consumed {
  readonly worker: Worker;
  readonly load: Load;
}

/**
 * One BullMQ Worker per consumed queue, seen from outside as one worker: it
 * passes on their events (a lost lock's job ids as `runKeyOf` keys), it runs
 * while all of them run, and it closes them all. WORKER_CONCURRENCY is one
 * pool: every `reshareMs` each Worker's concurrency is set again from what
 * its queue runs and has waiting (`shareSlots`). The flow control itself
 * (rate limit, global concurrency, pause) is BullMQ's, read from each
 * queue's meta in Redis as jobs are handed out.
 */
export class WorkerGroup extends EventEmitter {
  readonly #options: WorkerGroupOptions;
  readonly #queues = new Map<string, Consumed>();
  readonly #timer: NodeJS.Timeout;
  /** The share under way, if any: one at a time, so that a slow Redis does not pile them up. */
  #sharing: Promise<void> | undefined;
  #closing = false;

  constructor(options: WorkerGroupOptions) {
    super();
    this.#options = options;
    this.#timer = setInterval(() => void this.reshare(), options.reshareMs ?? RESHARE_MS);
    this.#timer.unref();
  }

  /** The queues consumed now. */
  queueNames(): string[] {
    return [...this.#queues.keys()];
  }

  /** Consumes exactly `names`: starts Workers for new queues, closes those of gone ones, shares the concurrency. */
  async setQueues(names: readonly string[]): Promise<void> {
    if (this.#closing) return;
    const wanted = new Set(names);
    const gone = [...this.#queues].filter(([name]) => !wanted.has(name));
    for (const [name] of gone) this.#queues.delete(name);
    const added = names.filter((name) => !this.#queues.has(name));
    // A new Worker starts with the least (BullMQ's fetch loop begins at once); the share below gives it more.
    for (const name of added) this.#start(name);
    this.#apply();
    await Promise.all(
      gone.map(async ([name, { worker }]) => {
        await worker.close();
        await this.#options.onLetGo?.(name);
      }),
    );
  }

  /**
   * Shares WORKER_CONCURRENCY again: asks how many jobs wait on each queue
   * whose slots are all taken, then sets every Worker's concurrency. BullMQ
   * reads it as its fetch loop turns: a lower one stops new jobs at once, a
   * higher one shows once one of the queue's running jobs ends (or at once
   * when a slot was free).
   */
  reshare(): Promise<void> {
    this.#sharing ??= this.#measure()
      .then(() => this.#apply())
      .catch((error: unknown) => void this.emit('error', coerceError(error)))
      .finally(() => (this.#sharing = undefined));
    return this.#sharing;
  }

  /** True while every Worker runs (and there is at least one). */
  isRunning(): boolean {
    const queues = [...this.#queues.values()];
    return queues.length > 0 && queues.every(({ worker }) => worker.isRunning());
  }

  /** Closes every Worker: no new jobs; resolves once the running ones finished. */
  async close(): Promise<void> {
    this.#closing = true;
    clearInterval(this.#timer);
    await Promise.all([...this.#queues.values()].map(({ worker }) => worker.close()));
  }

  /** Drops every Worker's connections at once (a stop without Redis). */
  disconnect(): void {
    clearInterval(this.#timer);
    for (const { worker } of this.#queues.values()) worker.disconnect().catch(() => undefined);
  }

  /** Each queue's demand now: its running jobs, and for one with every slot taken, what it could start. */
  async #measure(): Promise<void> {
    const { startable } = this.#options;
    await Promise.all(
      [...this.#queues].map(async ([name, { worker, load }]) => {
        const full = load.running >= worker.concurrency;
        const more = full && startable ? await startable(name) : 0;
        load.demand = load.running + more;
      }),
    );
  }

  /** Sets every Worker's concurrency to its share of the pool. */
  #apply(): void {
    if (this.#closing) return;
    const queues = [...this.#queues.values()];
    const loads: QueueLoad[] = queues.map(({ load }) => ({ ...load }));
    const shares = shareSlots(this.#options.totalConcurrency, loads);
    queues.forEach(({ worker }, i) => {
      if (worker.concurrency !== shares[i]) worker.concurrency = shares[i]!;
    });
  }

  #start(name: string): void {
    const load: Load = { running: 0, demand: 0 };
    const counted: Counted = async (work) => {
      load.running += 1;
      try {
        return await work();
      } finally {
        load.running -= 1;
      }
    };
    const worker = this.#options.create(name, 1, counted);
    for (const event of FORWARDED) {
      worker.on(event, (...args: unknown[]) => this.emit(event, ...args));
    }
    worker.on('lockRenewalFailed', (jobIds: string[]) =>
      this.emit(
        'lockRenewalFailed',
        jobIds.map((id) => runKeyOf(name, id)),
      ),
    );
    this.#queues.set(name, { worker, load });
  }
}
