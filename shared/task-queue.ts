import type { JobsOptions } from 'bullmq';
import type { Config } from './config.js';
import { queueKeyBase, type QueueRef } from './queue-keys.js';

/** The BullMQ job name of every REST task. */
export const TASK_JOB_NAME = 'rest-task';

/**
 * Field of the job's Redis hash that holds the output of a failed execution.
 * BullMQ keeps a return value only for completed jobs; keeping the failed
 * output in the job's own hash makes it as retrievable as a completed one and
 * lets BullMQ's retention remove it together with the job.
 */
export const OUTPUT_FIELD = 'taskrestOutput';

/**
 * The job options every enqueue starts from; the caller's options go over
 * them. Retention only when the producer was given one: otherwise the
 * worker's (its BullMQ Worker's removeOnComplete/removeOnFail, from
 * TASKREST_KEEP_*) applies, and the job's opts stay about 100 bytes smaller.
 */
export function defaultJobOptions(retention: {
  readonly keepCompleted?: Config['keepCompleted'] | undefined;
  readonly keepFailed?: Config['keepFailed'] | undefined;
}): JobsOptions {
  return {
    // Retries happen inside an execution (axios-retry, per the task's
    // retry_backoff), not by re-running the whole job.
    attempts: 1,
    ...(retention.keepCompleted ? { removeOnComplete: { ...retention.keepCompleted } } : {}),
    ...(retention.keepFailed ? { removeOnFail: { ...retention.keepFailed } } : {}),
  };
}

/** The Redis key of a job's hash (BullMQ's `queue.toKey(id)`). */
export function jobKey(queue: QueueRef, jobId: string): string {
  return `${queueKeyBase(queue)}:${jobId}`;
}
