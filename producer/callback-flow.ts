import { randomUUID } from 'node:crypto';
import type { FlowJob, JobsOptions } from 'bullmq';
import { CALLBACK_JOB_NAME, callbackIdOf } from '../shared/callback.js';
import { joinJobData, type JobMeta } from '../shared/job-envelope.js';
import { TASK_JOB_NAME } from '../shared/task-queue.js';

/** What one execution with a callback is made of in Redis. */
export interface CallbackFlowInput {
  readonly queueName: string;
  /** The BullMQ prefix of that queue (its hash tag). */
  readonly prefix: string;
  /** The execution's job data and options (defaults and the caller's merged). */
  readonly data: object;
  readonly opts: JobsOptions;
  readonly callbackUrl: string;
  /** The envelope the callback's own execution carries (trace context). */
  readonly meta: Pick<JobMeta, 'trace'>;
  /** The callback job's options: retention as the execution's. */
  readonly callbackOpts: JobsOptions;
}

/**
 * The BullMQ flow of an execution with a callback: the callback delivery is
 * the parent, the execution its only child, both in the execution's queue.
 * The child's id is the execution id (the caller's `jobId`, else a UUID, as
 * FlowProducer names its jobs); the parent's is derived from it, so a
 * repeated add finds both. `ignoreDependencyOnFailure`: a failed execution
 * releases the parent as a completed one does (in the same script that
 * fails it), its reason kept for the parent (`getIgnoredChildrenFailures`).
 */
export function callbackFlow(input: CallbackFlowInput): FlowJob {
  const executionId = input.opts.jobId ?? randomUUID();
  return {
    name: CALLBACK_JOB_NAME,
    queueName: input.queueName,
    prefix: input.prefix,
    // A task like any other (the dashboard shows where it goes); the body and
    // its signature are made by the worker when it sends.
    data: joinJobData(
      { url: input.callbackUrl, method: 'POST' },
      { ...input.meta, callbackOf: executionId },
    ),
    opts: { ...input.callbackOpts, jobId: callbackIdOf(executionId) },
    children: [
      {
        name: TASK_JOB_NAME,
        queueName: input.queueName,
        prefix: input.prefix,
        data: input.data,
        opts: { ...input.opts, jobId: executionId, ignoreDependencyOnFailure: true },
      },
    ],
  };
}
