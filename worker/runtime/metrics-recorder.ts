import type { Config } from '../../shared/config.js';
import { coerceError } from '../../shared/errors/coerce-error.js';
import { queueKeyBase } from '../../shared/queue-keys.js';
import type { RedisClient } from '../../shared/redis-connection.js';
import {
  bucketOf,
  CANCELLED_STATUS,
  MetricField,
  workerMetricsKey,
} from '../../shared/worker-metrics.js';
import { OutputStatus } from '../../shared/output.js';
import type { ExecutionCounts, ExecutionResult } from '../executor/executor.js';

/** Counts what a worker's executions did and adds the counts to Redis for `/metrics`. */
export interface MetricsRecorder {
  /**
   * Counts one finished execution from what its result says (status, counts),
   * never from its log text. Cheap: no I/O, the counts go out in the next batch.
   */
  record(result: Pick<ExecutionResult, 'output' | 'counts'>, durationMs: number): void;
  /**
   * Counts one cancelled execution (status `cancelled`): its duration, and
   * the retries it made, when it ran here (`ran`); its response class never
   * (its request was cut off: neither an answer nor a network error). Null:
   * it ended without running here (cancelled while a worker that died ran it).
   */
  recordCancelled(ran: { counts: ExecutionCounts; durationMs: number } | null): void;
  /**
   * Counts one execution BullMQ's stalled check failed (status error): no
   * response class and no duration, both unknown (it ran in a worker that
   * stopped).
   */
  recordStalled(): void;
  /** Sends what is left and stops the timer. */
  close(): Promise<void>;
}

export interface MetricsRecorderOptions {
  /** How often the counts are sent. @defaultValue 1000 ms */
  flushIntervalMs?: number;
  /** Told when a batch could not be sent (it is kept for the next one). */
  onError?: (error: Error) => void;
}

/**
 * Adds one batch to the hash KEYS[1] while the queue's meta KEYS[2] exists:
 * ARGV[1] is the field of the duration sum and ARGV[2] its delta, then field
 * and delta pairs. Every queue that ran a job has a meta (BullMQ's scripts
 * write it with the first job); a queue removed since (with force, while this
 * worker ran one of its jobs) gets no counts back, which would be a key
 * nothing ever removes.
 */
const ADD_SCRIPT = `
if redis.call('EXISTS', KEYS[2]) == 0 then return 0 end
for i = 3, #ARGV, 2 do redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('HINCRBYFLOAT', KEYS[1], ARGV[1], ARGV[2])
return 1
`;

/**
 * Starts a recorder that batches deltas in memory and sends them every
 * `flushIntervalMs` in one script of HINCRBY/HINCRBYFLOAT on the hash of
 * shared/worker-metrics.ts. A batch that fails is added back, so an outage
 * delays counts rather than losing them; a batch for a queue that is gone is
 * dropped.
 */
export function startMetricsRecorder(
  client: RedisClient,
  config: Pick<Config, 'prefix' | 'queueName'>,
  options: MetricsRecorderOptions = {},
): MetricsRecorder {
  const key = workerMetricsKey(config);
  const metaKey = `${queueKeyBase(config)}:meta`;
  let counts = new Map<string, number>();
  let durationSum = 0;
  let flushing: Promise<void> | undefined;
  const add = (field: string, n = 1) => counts.set(field, (counts.get(field) ?? 0) + n);

  const flush = async (): Promise<void> => {
    if (counts.size === 0) return;
    const batch = counts;
    const sum = durationSum;
    counts = new Map();
    durationSum = 0;
    const deltas = [...batch].flatMap(([field, n]) => [field, n]);
    try {
      await client.eval(ADD_SCRIPT, 2, key, metaKey, MetricField.DURATION_SUM, sum, ...deltas);
    } catch (error) {
      for (const [field, n] of batch) add(field, n);
      durationSum += sum;
      options.onError?.(coerceError(error));
    }
  };
  const flushOnce = (): Promise<void> => {
    // One batch in flight at a time: a slow Redis must not pile up pipelines.
    flushing ??= flush().finally(() => (flushing = undefined));
    return flushing;
  };
  const timer = setInterval(() => void flushOnce(), options.flushIntervalMs ?? 1000);
  timer.unref();

  const observe = (durationMs: number): void => {
    const seconds = durationMs / 1000;
    add(MetricField.bucket(bucketOf(seconds)));
    add(MetricField.DURATION_COUNT);
    durationSum += seconds;
  };

  return {
    record({ output, counts: { retries, statusClass } }, durationMs) {
      add(MetricField.execution(output.status));
      add(MetricField.statusClass(statusClass));
      if (retries > 0) add(MetricField.RETRIES, retries);
      observe(durationMs);
    },
    recordCancelled(ran) {
      add(MetricField.execution(CANCELLED_STATUS));
      if (!ran) return;
      if (ran.counts.retries > 0) add(MetricField.RETRIES, ran.counts.retries);
      observe(ran.durationMs);
    },
    recordStalled() {
      add(MetricField.execution(OutputStatus.ERROR));
    },
    async close() {
      clearInterval(timer);
      await flushing;
      await flushOnce();
    },
  };
}
