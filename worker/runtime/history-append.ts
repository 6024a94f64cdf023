import type { Job } from 'bullmq';
import { isCallbackId } from '../../shared/callback.js';
import { buildRecord } from '../../shared/history/build-record.js';
import type { ExecutionRecord } from '../../shared/history/execution-record.js';
import {
  APPEND_RECORD_LUA,
  encodeRecord,
  HISTORY_STREAM_MAX,
  historyDroppedKey,
  historyStreamKey,
} from '../../shared/history/history-stream.js';
import { runOf, type JobMeta } from '../../shared/job-envelope.js';
import { executionIdOf, type TaskOutput } from '../../shared/output.js';
import type { RedisClient } from '../../shared/redis-connection.js';
import type { ExecutionResult } from '../executor/executor.js';

/** A job scheduler's job id: `repeat:<schedule id>:<due time in ms>`. */
const SCHEDULED_ID = /^repeat:(.+):\d+$/;
/** A W3C traceparent: version, trace id, parent id, flags. */
const TRACEPARENT = /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/;

/** How one run of a job ended, as its history record is made from it. */
export interface EndedRun {
  readonly job: Job;
  readonly meta: JobMeta;
  /** The task as it ran (secrets open): its credential values are scrubbed from the record. */
  readonly task: unknown;
  readonly output: TaskOutput;
  /** The executor's result; null when the execution ended before it ran (cancelled at pickup). */
  readonly result: ExecutionResult | null;
  readonly cancelled: boolean;
  /** When its first attempt started (epoch ms); null when it never started. */
  readonly startedAt: number | null;
  /** When it ended (epoch ms), when not now: a stalled-failed job's is BullMQ's `finishedOn`. */
  readonly finishedAt?: number | undefined;
}

/** A record waiting for its batch to be appended, and whom to tell. */
interface PendingRecord {
  readonly json: string;
  readonly done: (error?: Error) => void;
}

/** The name the append script is defined under on the worker's connection (EVALSHA). */
const APPEND_COMMAND = 'taskrestAppendRecords';

/** The connection once the append script is defined on it. */
type AppendingClient = RedisClient & {
  [APPEND_COMMAND](
    stream: string,
    dropped: string,
    max: number,
    ...records: string[]
  ): Promise<number>;
};

/**
 * The worker's side of the history: an ended execution's record, appended
 * to its queue's Redis stream (recorders take it from there to PostgreSQL:
 * the worker never talks to PostgreSQL). The append is one script, so the
 * cap (`MAXLEN ~`) and the count of what it trimmed go together.
 *
 * Records that end in the same turn of the event loop go in one script
 * call per queue (flushed by `setImmediate`): under load several
 * executions end per turn, and one Redis command for them all costs one
 * write instead of one each. The script is sent by its SHA (ioredis'
 * `defineCommand`), not as text every time.
 */
export class HistoryAppend {
  readonly #connection: AppendingClient;
  readonly #prefix: string;
  #pending = new Map<string, PendingRecord[]>();
  #flushing = false;

  constructor(connection: RedisClient, prefix: string) {
    connection.defineCommand(APPEND_COMMAND, { numberOfKeys: 2, lua: APPEND_RECORD_LUA });
    this.#connection = connection as AppendingClient;
    this.#prefix = prefix;
  }

  /**
   * Appends `record` to its queue's stream, with the others that end in
   * this turn; resolves once it is in Redis (a failed execution's goes
   * with its output instead: job-failure.ts).
   */
  append(record: ExecutionRecord): Promise<void> {
    return new Promise((resolve, reject) => {
      const json = encodeRecord(record);
      const done = (error?: Error) => (error ? reject(error) : resolve());
      const queued = this.#pending.get(record.queue);
      if (queued) queued.push({ json, done });
      else this.#pending.set(record.queue, [{ json, done }]);
      if (!this.#flushing) {
        this.#flushing = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  /** Sends each queue's pending records in one script call. */
  #flush(): void {
    const batches = this.#pending;
    this.#pending = new Map();
    this.#flushing = false;
    for (const [queueName, records] of batches) {
      const ref = { prefix: this.#prefix, queueName };
      this.#connection
        [APPEND_COMMAND](
          historyStreamKey(ref),
          historyDroppedKey(ref),
          HISTORY_STREAM_MAX,
          ...records.map((r) => r.json),
        )
        .then(
          () => records.forEach((r) => r.done()),
          (error: Error) => records.forEach((r) => r.done(error)),
        );
    }
  }
}

/** The history record of an ended run. */
export function recordOf(run: EndedRun): ExecutionRecord {
  const { job, meta, result } = run;
  const schedule = job.repeatJobKey ?? SCHEDULED_ID.exec(job.id ?? '')?.[1];
  const traceId = TRACEPARENT.exec(meta.trace?.traceparent ?? '')?.[1];
  const parent = job.parent?.id;
  return buildRecord({
    queue: job.queueName,
    executionId: executionIdOf(job.id),
    run: runOf(meta),
    output: run.output,
    cancelled: run.cancelled,
    request: result?.request ?? null,
    attempts: result?.counts.attempts ?? 0,
    enqueuedAt: job.timestamp,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt ?? Date.now(),
    task: run.task,
    flowKey: meta.flowKey,
    schedule,
    callbackExecutionId: parent && isCallbackId(parent) ? parent : undefined,
    traceId,
  });
}
