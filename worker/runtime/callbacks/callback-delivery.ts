import { UnrecoverableError, type Job } from 'bullmq';
import type { JobMeta } from '../../../shared/job-envelope.js';
import type { QueueRef } from '../../../shared/queue-keys.js';
import type { RedisClient } from '../../../shared/redis-connection.js';
import { readEndedExecution } from './ended-execution.js';
import { webhookHeaders } from './webhook-signature.js';

/** What the executor runs for a callback job: the task, and each request's signature. */
export interface CallbackDelivery {
  /** The stored task (URL, POST) with the JSON body of the ended execution. */
  readonly task: object;
  /** The Standard Webhooks headers of a request sent at that time, signed then. */
  readonly attemptHeaders: (sendAtMs: number) => Record<string, string>;
}

/**
 * Makes a callback job's delivery: reads how its execution ended, builds the
 * body, and signs each request when it is sent, with TASKREST_CALLBACK_SECRETS
 * held by this worker only (nothing of them goes into the job, its log or
 * its output). `webhook-id` is the callback execution's queue and id: the
 * same on every redelivery, a parked retry or a retry after a dead worker
 * included. Fails for good when there is nothing to report.
 */
export async function prepareCallback(
  job: Job,
  task: unknown,
  meta: JobMeta,
  { redis, queue, secrets }: { redis: RedisClient; queue: QueueRef; secrets: readonly Buffer[] },
): Promise<CallbackDelivery> {
  const executionId = meta.callbackOf;
  if (typeof executionId !== 'string' || task === null || typeof task !== 'object') {
    throw new UnrecoverableError('not a callback job: the execution it reports on is not named');
  }
  const ended = await readEndedExecution(job, executionId, redis, queue);
  if (!ended) {
    throw new UnrecoverableError(
      `execution ${executionId} was removed before it ended: there is nothing to call back`,
    );
  }
  const body = JSON.stringify(ended);
  const id = `${job.queueName}/${job.id ?? ''}`;
  return {
    task: { ...task, text: body, headers: { 'content-type': 'application/json' } },
    attemptHeaders: (sendAtMs) => webhookHeaders(secrets, id, Math.floor(sendAtMs / 1000), body),
  };
}
