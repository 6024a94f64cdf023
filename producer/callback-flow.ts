import type { FlowJob, JobsOptions } from 'bullmq';
import { CALLBACK_JOB_NAME, callbackIdOf } from '../shared/callback.js';
import { TASK_JOB_NAME } from '../shared/task-queue.js';

/**
 * The task a callback's execution stores: where it goes and how its answer
 * is judged (the dashboard shows it). The body and its signature are made by
 * the worker when it sends. A receiver acknowledges with a 2xx (as Standard
 * Webhooks says); a timeout, a 429 or a server error is retried with the
 * default backoff, any other answer ends the delivery failed.
 */
export function callbackTask(url: string): object {
  return {
    url,
    method: 'POST',
    // Every registered 2xx.
    expected_status_code: [200, 201, 202, 203, 204, 205, 206, 207, 208, 226],
    retry_status_code: [408, 425, 429, 500, 502, 503, 504],
  };
}

/** What one execution with a callback is made of in Redis. */
export interface CallbackFlowInput {
  readonly queueName: string;
  /** The BullMQ prefix of that queue (its hash tag). */
  readonly prefix: string;
  /** The execution's id: the caller's `jobId`, else a UUID (as FlowProducer names its jobs). */
  readonly executionId: string;
  /** The execution's job data and options (defaults and the caller's merged). */
  readonly data: object;
  readonly opts: JobsOptions;
  /** The callback job's data (`callbackTask` in its envelope) and options. */
  readonly callbackData: object;
  readonly callbackOpts: JobsOptions;
}

/**
 * The BullMQ flow of an execution with a callback: the callback delivery is
 * the parent, the execution its only child, both in the execution's queue.
 * The parent's id is derived from the child's, so a repeated add finds both.
 * `ignoreDependencyOnFailure`: a failed execution releases the parent as a
 * completed one does (in the same script that fails it), its reason kept
 * for the parent (`getIgnoredChildrenFailures`).
 */
export function callbackFlow(input: CallbackFlowInput): FlowJob {
  return {
    name: CALLBACK_JOB_NAME,
    queueName: input.queueName,
    prefix: input.prefix,
    data: input.callbackData,
    opts: { ...input.callbackOpts, jobId: callbackIdOf(input.executionId) },
    children: [
      {
        name: TASK_JOB_NAME,
        queueName: input.queueName,
        prefix: input.prefix,
        data: input.data,
        opts: { ...input.opts, jobId: input.executionId, ignoreDependencyOnFailure: true },
      },
    ],
  };
}
