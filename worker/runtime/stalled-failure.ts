import type { Job } from 'bullmq';
import { outputOfFailure } from '../../shared/callback.js';
import type { ExecutionRecord } from '../../shared/history/execution-record.js';
import { splitJobData } from '../../shared/job-envelope.js';
import { executionIdOf, type TaskOutput } from '../../shared/output.js';
import type { QueueRef } from '../../shared/queue-keys.js';
import type { RedisClient } from '../../shared/redis-connection.js';
import { recordOf } from './history-append.js';
import { storeFailedOutput } from './job-failure.js';
import type { MetricsRecorder } from './metrics-recorder.js';

/** The reason BullMQ's stalled check gives a job it fails (moveStalledJobsToWait). */
export const BULLMQ_STALLED_REASON = 'job stalled more than allowable limit';

/** The message of a stalled-failed execution's output and history record. */
export const STALLED_MESSAGE =
  'stalled: the worker running it stopped (or lost its lock) more often than ' +
  `TASKREST_MAX_STALLED_COUNT allows (${BULLMQ_STALLED_REASON})`;

/**
 * Whether a 'failed' event is BullMQ failing a job its stalled check gave
 * up on. That check does not fail the job itself: it marks it (a deferred
 * failure) and puts it back to wait, and the Worker that takes it next
 * fails it without calling the processor. So no taskrest code ran for that
 * ending, and this event is the only place it can be recorded; it comes
 * once, from that one Worker.
 */
export function isStalledFailure(job: Job | undefined, error: Error): job is Job {
  return (
    job !== undefined &&
    job.deferredFailure === BULLMQ_STALLED_REASON &&
    error.message === BULLMQ_STALLED_REASON
  );
}

/** What recording a stalled failure needs: the worker's parts the processor shares. */
export interface StalledFailureParts {
  readonly connection: RedisClient;
  readonly queue: QueueRef;
  /** The queue's counts for `/metrics`. */
  readonly metrics: MetricsRecorder;
  /** Whether the history is on: the record goes to the queue's stream with the output. */
  readonly history: boolean;
  /** Told the record once stored (`taskrest dev`); unset with history off, no record is made. */
  readonly onEnded?: ((record: ExecutionRecord) => void) | undefined;
}

/**
 * Records a job the stalled check failed as every other failure is
 * recorded: its output (status error, the stall as message, no response)
 * kept in the job's hash for `taskrest status` and the API, its history
 * record appended to the queue's stream in the same script, and one failed
 * execution counted. The record's end is the job's `finishedOn`, which
 * BullMQ set once, so that a record appended twice is one row (the
 * recorder upserts on queue, execution id, run and end). Its start is not
 * known (it ran in the worker that stopped) and its request neither.
 */
export async function recordStalledFailure(
  job: Job,
  parts: StalledFailureParts,
): Promise<ExecutionRecord | null> {
  const output: TaskOutput = outputOfFailure(executionIdOf(job.id), STALLED_MESSAGE);
  parts.metrics.recordStalled();
  const made = parts.history || parts.onEnded ? stalledRecord(job, output) : null;
  const stored = parts.history ? made : null;
  await storeFailedOutput(parts.connection, parts.queue, job, output, stored);
  return made;
}

/** The history record of a stalled-failed job: state failed, nothing sent that is known. */
function stalledRecord(job: Job, output: TaskOutput): ExecutionRecord {
  return recordOf({
    job,
    meta: splitJobData(job.data).meta,
    // Only scrubbed from the record's texts, and none of them come from the task.
    task: null,
    output,
    result: null,
    cancelled: false,
    startedAt: null,
    finishedAt: job.finishedOn,
  });
}
