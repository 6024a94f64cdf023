import { UnrecoverableError, type Job } from 'bullmq';
import { isRetried, type ErrorCode } from '../../shared/errors/error-codes.js';
import type { ExecutionRecord } from '../../shared/history/execution-record.js';
import {
  encodeRecord,
  HISTORY_STREAM_MAX,
  historyDroppedKey,
  historyStreamKey,
  appendRecordLua,
} from '../../shared/history/history-stream.js';
import type { TaskOutput } from '../../shared/output.js';
import type { QueueRef } from '../../shared/queue-keys.js';
import type { RedisClient } from '../../shared/redis-connection.js';
import { storedOutput } from '../../shared/stored-output.js';
import { jobKey, OUTPUT_FIELD } from '../../shared/task-queue.js';
import { CANCELLED_MESSAGE } from '../executor/cancelled-output.js';

/**
 * Whether BullMQ may run a job whose execution failed with `code` again (its
 * `attempts` and `backoff`), as the error table says (an invalid task stays
 * invalid, a denied destination denied). Undefined: a failure without a
 * classified error, retried like any other.
 */
export function isRetriedByBullmq(code: ErrorCode | undefined): boolean {
  return code === undefined || isRetried(code);
}

/**
 * The error a failed job's processor throws, `message` its failed reason: an
 * UnrecoverableError when BullMQ may not run it again (`isRetriedByBullmq`).
 */
export function jobFailure(message: string, code: ErrorCode | undefined): Error {
  return isRetriedByBullmq(code) ? new Error(message) : new UnrecoverableError(message);
}

/**
 * Sets the field ARGV[1] of the hash KEYS[1] to ARGV[2], unless the hash is
 * gone; with KEYS[2] and KEYS[3], also appends the history record ARGV[4]
 * to the stream KEYS[2] (capped at about ARGV[3]; what the cap trimmed
 * counted in KEYS[3]), in the same round trip.
 */
const STORE_FAILED_OUTPUT = `
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
if #KEYS < 3 then return 0 end
${appendRecordLua('KEYS[2]', 'KEYS[3]', 'ARGV[3]', 4, '4')}
return 0
`;

/**
 * The error a cancelled job's processor throws: unrecoverable (no BullMQ
 * attempt runs a cancelled execution again), its reason `cancelled`, and no
 * stack. BullMQ keeps a thrown error's stack as the job's stack trace, and
 * the dashboard shows it under the reason: a cancel someone asked for would
 * read as a crash of the worker.
 */
export function cancelledFailure(): UnrecoverableError {
  const error = new UnrecoverableError(CANCELLED_MESSAGE);
  error.stack = '';
  return error;
}

/**
 * Keeps a failed execution's output in its job's hash (OUTPUT_FIELD): BullMQ
 * keeps a return value only for a completed job. A job removed while it ran
 * (its queue removed with force) is left gone: a hash of one field would be
 * a key nothing ever removes. With history on, its `record` goes to the
 * queue's history stream in the same script.
 */
export async function storeFailedOutput(
  connection: RedisClient,
  queue: QueueRef,
  job: Job,
  output: TaskOutput,
  record: ExecutionRecord | null,
): Promise<void> {
  const stored = JSON.stringify(storedOutput(output));
  const key = jobKey(queue, job.id ?? '');
  if (!record) {
    await connection.eval(STORE_FAILED_OUTPUT, 1, key, OUTPUT_FIELD, stored);
    return;
  }
  await connection.eval(
    STORE_FAILED_OUTPUT,
    3,
    key,
    historyStreamKey(queue),
    historyDroppedKey(queue),
    OUTPUT_FIELD,
    stored,
    HISTORY_STREAM_MAX,
    encodeRecord(record),
  );
}
