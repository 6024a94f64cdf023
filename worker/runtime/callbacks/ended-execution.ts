import type { Job } from 'bullmq';
import { outputOfFailure, type CallbackBody } from '../../../shared/callback.js';
import { executionIdOf } from '../../../shared/output.js';
import { wholeOutput, type StoredOutput } from '../../../shared/stored-output.js';
import type { RedisClient } from '../../../shared/redis-connection.js';
import type { QueueRef } from '../../../shared/queue-keys.js';
import { jobKey, OUTPUT_FIELD } from '../../../shared/task-queue.js';

/**
 * How the execution a callback job reports on ended, read from what BullMQ
 * kept for the parent when it finished the child: its return value
 * (`getChildrenValues`, kept in the parent even when retention removed the
 * child) or its failure (`getIgnoredChildrenFailures`, the reason; the full
 * output from the child's hash while the child is kept). Null when neither
 * is there: the execution was removed before it ended.
 */
export async function readEndedExecution(
  job: Job,
  executionId: string,
  redis: RedisClient,
  queue: QueueRef,
): Promise<CallbackBody | null> {
  const childKey = jobKey(queue, executionId);
  const base = { execution_id: executionIdOf(executionId), queue: job.queueName };
  const values = await job.getChildrenValues<StoredOutput>();
  // Stored without what can be made again (shared/stored-output.ts): the receiver gets the whole output.
  if (childKey in values) {
    return { ...base, state: 'completed', output: wholeOutput(values[childKey]!, executionId) };
  }
  const failures = await job.getIgnoredChildrenFailures();
  const reason = failures[childKey];
  if (reason === undefined) return null;
  const stored = await redis.hget(childKey, OUTPUT_FIELD);
  const output = stored
    ? wholeOutput(JSON.parse(stored) as StoredOutput, executionId)
    : outputOfFailure(base.execution_id, reason);
  return { ...base, state: 'failed', output };
}
