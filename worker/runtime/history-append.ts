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
}

/**
 * The worker's side of the history: an ended execution's record, appended
 * to its queue's Redis stream (recorders take it from there to PostgreSQL:
 * the worker never talks to PostgreSQL). The append is one script, so the
 * cap (`MAXLEN ~`) and the count of what it trimmed go together.
 */
export class HistoryAppend {
  readonly #connection: RedisClient;
  readonly #prefix: string;

  constructor(connection: RedisClient, prefix: string) {
    this.#connection = connection;
    this.#prefix = prefix;
  }

  /** Appends `record` to its queue's stream (a failed execution's goes with its output: job-failure.ts). */
  async append(record: ExecutionRecord): Promise<void> {
    const ref = { prefix: this.#prefix, queueName: record.queue };
    await this.#connection.eval(
      APPEND_RECORD_LUA,
      2,
      historyStreamKey(ref),
      historyDroppedKey(ref),
      HISTORY_STREAM_MAX,
      encodeRecord(record),
    );
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
    finishedAt: Date.now(),
    task: run.task,
    flowKey: meta.flowKey,
    schedule,
    callbackExecutionId: parent && isCallbackId(parent) ? parent : undefined,
    traceId,
  });
}
