import { OutputStatus, type TaskOutput } from './output.js';

/**
 * A callback: the signed POST of an ended execution's result to the URL it
 * was enqueued with. It is delivered by a REST execution of its own, the
 * parent job of a BullMQ flow whose only child is the execution: BullMQ
 * moves the parent to wait in the same script that finishes the child, so
 * no worker death between the two loses it. The parent lives in the
 * execution's own queue (one hash tag, one cluster slot: the hand-off is
 * one script), and is told from a task job by its job name.
 */
export const CALLBACK_JOB_NAME = 'rest-callback';

/**
 * The callback execution's id: derived from the execution's, so that a
 * repeated enqueue (same Idempotency-Key) finds the same pair in Redis. The
 * `!` keeps it apart from any execution id a caller may choose (keys take
 * letters, digits and `_ . ~ @ + = -` only).
 */
export function callbackIdOf(executionId: string): string {
  return `callback!${executionId}`;
}

/** True for a job id that `callbackIdOf` made. */
export function isCallbackId(jobId: string | undefined): boolean {
  return jobId?.startsWith('callback!') === true;
}

/** The JSON body a callback POSTs. */
export interface CallbackBody {
  execution_id: number | string;
  queue: string;
  state: 'completed' | 'failed';
  output: TaskOutput;
}

/**
 * The output of a failed execution whose worker could not store one (it
 * died), or whose stored one is gone (retention): made from the reason
 * BullMQ recorded.
 */
export function outputOfFailure(executionId: number | string, reason: string): TaskOutput {
  return {
    execution_id: executionId,
    status: OutputStatus.ERROR,
    message: reason || 'failed',
    status_code: null,
    headers: {},
    text: null,
    cookies: {},
    encoding: null,
    log: [],
  };
}
