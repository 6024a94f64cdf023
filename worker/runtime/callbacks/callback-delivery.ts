import { UnrecoverableError, type Job } from 'bullmq';
import type { CallbackTimeouts } from '../../../shared/config.js';
import type { JobMeta } from '../../../shared/job-envelope.js';
import type { QueueRef } from '../../../shared/queue-keys.js';
import type { RedisClient } from '../../../shared/redis-connection.js';
import type { ExecutionContext } from '../../executor/execution-context.js';
import { readEndedExecution } from './ended-execution.js';
import { webhookHeaders } from '../../../shared/webhook-signature.js';

/**
 * How much of a receiver's answer a callback reads and keeps. Its status is
 * the acknowledgement; the body is only shown (the callback's output), so it
 * is never read whole, never stored large, and never fails a delivery.
 */
export const CALLBACK_RESPONSE_BYTES = 64 * 1024;

/** How a callback's requests are sent, beyond its task: what the executor's context carries. */
export type CallbackSending = Required<
  Pick<ExecutionContext, 'attemptHeaders' | 'idempotent' | 'keepResponseBytes'>
>;

/** What the executor runs for a callback job: the task, and how its requests are sent. */
export interface CallbackDelivery {
  /** The stored task (URL, POST) with the JSON body of the ended execution and the callback timeouts. */
  readonly task: object;
  /**
   * Each request signed when sent (Standard Webhooks headers); sent again
   * after a timeout or a reset, since receivers drop a repeated
   * `webhook-id`; its answer read up to CALLBACK_RESPONSE_BYTES.
   */
  readonly sending: CallbackSending;
}

/** What a worker makes its callbacks' deliveries with. */
export interface CallbackSettings {
  readonly redis: RedisClient;
  readonly queue: QueueRef;
  /** TASKREST_CALLBACK_SECRETS: what requests are signed with (empty: unsigned). */
  readonly secrets: readonly Buffer[];
  /** TASKREST_CALLBACK_*TIMEOUT_SECONDS. */
  readonly timeouts: CallbackTimeouts;
}

/**
 * Makes a callback job's delivery: reads how its execution ended, builds the
 * body, and signs each request when it is sent, with TASKREST_CALLBACK_SECRETS
 * held by this worker only (nothing of them goes into the job, its log or
 * its output). `webhook-id` is the callback execution's queue and id: the
 * same on every redelivery, a parked retry or a retry after a dead worker
 * included. The worker's callback timeouts are set on the task here, not at
 * enqueue: they hold for callbacks enqueued before them too, and the
 * worker that sends is the one whose slot they protect. Fails for good when
 * there is nothing to report.
 */
export async function prepareCallback(
  job: Job,
  task: unknown,
  meta: JobMeta,
  { redis, queue, secrets, timeouts }: CallbackSettings,
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
    task: {
      ...task,
      text: body,
      headers: { 'content-type': 'application/json' },
      connect_timeout: timeouts.connect,
      read_timeout: timeouts.read,
      total_timeout: timeouts.total,
    },
    sending: {
      attemptHeaders: (sendAtMs) => webhookHeaders(secrets, id, Math.floor(sendAtMs / 1000), body),
      idempotent: true,
      keepResponseBytes: CALLBACK_RESPONSE_BYTES,
    },
  };
}
