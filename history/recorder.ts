import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { recordKey } from '../shared/history/execution-record.js';
import { historyStreamKey } from '../shared/history/history-stream.js';
import type { Logger } from '../shared/logger.js';
import { queueRegistry } from '../shared/queue-registry.js';
import type { RedisClient } from '../shared/redis-connection.js';
import { OutageLog } from './outage-log.js';
import type { RecordSink } from './record-sink.js';
import { RecordStreams, type StreamBatch } from './record-streams.js';

/** How many entries one read takes and one write commits, unless told (see `batchSize`). */
export const DEFAULT_BATCH_SIZE = 2000;
/** How many batches may be being written at once, unless told (see `parallelWrites`). */
export const DEFAULT_PARALLEL_WRITES = 2;

/** What a recorder needs; the timings have defaults fit for production, tests shorten them. */
export interface RecorderOptions {
  /** A connection that retries (a worker's): the recorder must outlive a Redis restart. */
  readonly redis: RedisClient;
  /** TASKREST_PREFIX. */
  readonly prefix: string;
  /** TASKREST_QUEUE: recorded whether it is registered or not. */
  readonly defaultQueue: string;
  readonly sink: RecordSink;
  readonly logger: Logger;
  /** TASKREST_HISTORY_DAYS: dropped at start and every `retentionEveryMs`. */
  readonly historyDays: number;
  /**
   * The most entries one read takes and one write commits: a larger batch
   * spreads the statement's and the commit's fixed cost over more records.
   * @defaultValue 2000
   */
  readonly batchSize?: number;
  /** The most batches of one stream a round writes before the next queue's turn. @defaultValue 8 */
  readonly roundBatches?: number;
  /** How many batches of one stream may be being written at once. @defaultValue 2 */
  readonly parallelWrites?: number;
  /** How long an entry stays pending with a (dead) consumer before it is claimed. @defaultValue 30000 */
  readonly claimIdleMs?: number;
  /** The pause when no stream has anything. @defaultValue 200 */
  readonly idleMs?: number;
  /** How often the queue registry is read again. @defaultValue 5000 */
  readonly refreshMs?: number;
  /** @defaultValue 3600000 (hourly) */
  readonly retentionEveryMs?: number;
  /** The longest wait between tries while the store or Redis fails. @defaultValue 10000 */
  readonly maxBackoffMs?: number;
}

/**
 * The history's recorder: moves every queue's ended executions from its
 * Redis stream into the store. It reads each stream in the recorders'
 * consumer group, writes a batch in one call, and only once that resolved
 * (committed) acknowledges and deletes its entries: a stream holds only
 * records not yet in the history, and a record is never lost to a crash
 * (written twice at worst, which the store's upsert makes one row).
 *
 * While the store (or Redis) fails it keeps the entries pending, tries
 * again with a capped backoff and logs once per outage; it never throws.
 * Any number of recorders may run side by side (one per API process, or
 * `taskrest recorder` processes): the group gives each entry to one, and
 * one claims what a dead one left pending.
 */
export class Recorder {
  /** This process's consumer name in the group. */
  readonly consumer = `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
  readonly #options: Required<RecorderOptions>;
  readonly #streams: RecordStreams;
  readonly #outage: OutageLog;
  #queues: string[] = [];
  #refreshedAt = -Infinity;
  #droppedAt = -Infinity;
  #stopping = false;
  #wake: (() => void) | undefined;
  #running: Promise<void> | undefined;
  /** How many records this recorder wrote (its share of the work). */
  #written = 0;

  constructor(options: RecorderOptions) {
    this.#options = {
      batchSize: DEFAULT_BATCH_SIZE,
      roundBatches: 8,
      parallelWrites: DEFAULT_PARALLEL_WRITES,
      claimIdleMs: 30_000,
      idleMs: 200,
      refreshMs: 5000,
      retentionEveryMs: 3_600_000,
      maxBackoffMs: 10_000,
      ...options,
    };
    this.#streams = new RecordStreams({
      redis: options.redis,
      consumer: this.consumer,
      count: this.#options.batchSize,
      claimIdleMs: this.#options.claimIdleMs,
    });
    this.#outage = new OutageLog(options.logger);
  }

  /** How many records this recorder has written so far. */
  get written(): number {
    return this.#written;
  }

  /** Starts recording (once); returns at once. */
  start(): this {
    this.#running ??= this.#loop();
    return this;
  }

  /** Stops: the batch in flight is written and acknowledged first; what is not read stays in Redis. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#wake?.();
    await this.#running;
  }

  async #loop(): Promise<void> {
    let failures = 0;
    while (!this.#stopping) {
      let backlog: boolean;
      try {
        await this.#housekeeping();
        backlog = await this.#round();
        failures = 0;
        this.#outage.over();
      } catch (error) {
        this.#outage.failed(error);
        failures += 1;
        await this.#sleep(Math.min(this.#options.maxBackoffMs, 200 * 2 ** Math.min(failures, 10)));
        continue;
      }
      if (!backlog) await this.#sleep(this.#options.idleMs);
    }
  }

  /** Reads the registry again, and drops expired records, when they are due. */
  async #housekeeping(): Promise<void> {
    const now = Date.now();
    const { redis, prefix, defaultQueue, refreshMs, retentionEveryMs } = this.#options;
    if (now - this.#refreshedAt >= refreshMs) {
      const names = new Set(await queueRegistry.list(redis, prefix));
      names.add(defaultQueue);
      this.#queues = [...names].sort();
      this.#refreshedAt = now;
    }
    if (now - this.#droppedAt >= retentionEveryMs) {
      await this.#options.sink.dropExpired(this.#options.historyDays);
      this.#droppedAt = now;
    }
  }

  /**
   * Up to `roundBatches` batches from each queue's stream; true when some
   * stream may hold more (read again at once).
   */
  async #round(): Promise<boolean> {
    let backlog = false;
    for (const queueName of this.#queues) {
      if (this.#stopping) break;
      const key = historyStreamKey({ prefix: this.#options.prefix, queueName });
      if (await this.#drain(key)) backlog = true;
    }
    return backlog;
  }

  /**
   * Writes batches of one stream with up to `parallelWrites` of them in
   * flight, each in its own transaction on its own connection, reading the
   * next batch meanwhile: a write mostly waits for the database, whose
   * index maintenance for one statement runs on one core. Each batch is
   * acknowledged only after its own commit, in whatever order they commit.
   * A batch holding a run (queue, execution, run) that a batch in flight
   * holds too waits for those to commit first: the later ending of a run
   * must replace the earlier one, never race it. At most `roundBatches`
   * batches, so that a busy queue does not hold back the others. Every
   * write started is awaited before it returns (or throws). True when the
   * stream may hold more.
   */
  async #drain(key: string): Promise<boolean> {
    const { batchSize, roundBatches, parallelWrites } = this.#options;
    const writing: { runs: Set<string>; done: Promise<void> }[] = [];
    let batch = await this.#streams.next(key);
    let full = false;
    try {
      for (let started = 1; batch.ids.length > 0; started++) {
        full = batch.ids.length >= batchSize;
        const runs = new Set(batch.records.map(recordKey));
        if (writing.some((w) => [...runs].some((run) => w.runs.has(run)))) {
          await allWritten(writing.splice(0));
        }
        const done = this.#record(batch);
        // Handled when awaited; until then a failure must not count as unhandled.
        done.catch(() => {});
        writing.push({ runs, done });
        if (!full || started >= roundBatches || this.#stopping) break;
        if (writing.length >= parallelWrites) await writing.shift()!.done;
        batch = await this.#streams.fresh(key);
        if (batch.ids.length === 0) full = false;
      }
    } finally {
      await allWritten(writing);
    }
    return full;
  }

  /** Writes the batch, then (only then) acknowledges and deletes its entries. */
  async #record(batch: StreamBatch): Promise<void> {
    if (batch.records.length > 0) await this.#options.sink.write(batch.records);
    await this.#streams.settle(batch);
    this.#written += batch.records.length;
  }

  /** Waits `ms`, or less when `stop()` is called. */
  #sleep(ms: number): Promise<void> {
    if (this.#stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = done;
    });
  }
}

/** Waits for every write to end, then throws the first failure, if any (no write is left running). */
async function allWritten(writes: readonly { done: Promise<void> }[]): Promise<void> {
  const failed = (await Promise.allSettled(writes.map((w) => w.done))).find(
    (r) => r.status === 'rejected',
  );
  if (failed) throw failed.reason;
}
