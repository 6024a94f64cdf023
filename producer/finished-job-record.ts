import { CALLBACK_JOB_NAME, isCallbackId, outputOfFailure } from '../shared/callback.js';
import { buildRecord } from '../shared/history/build-record.js';
import type { ExecutionRecord } from '../shared/history/execution-record.js';
import { splitJobData } from '../shared/job-envelope.js';
import { executionIdOf, type TaskOutput } from '../shared/output.js';
import { checkTask } from '../shared/parse-task.js';
import { isStoredOutput, wholeOutput } from '../shared/stored-output.js';
import { OUTPUT_FIELD } from '../shared/task-queue.js';
import { buildUrl } from '../shared/task-url.js';

/** The state a finished job is in: the set it was found in. */
export type FinishedSet = 'completed' | 'failed';

/** A retry line of an execution's log (`retry 2 in 1.0 s after HTTP 503`, parked ones too). */
const RETRY_LINE = /\bretry \d+ in [\d.]+ s after\b/;

/**
 * The history record of a finished job as Redis still holds it (its hash,
 * from HGETALL), made with the workers' own `buildRecord`, so that a list
 * from Redis shows what the history would have. Undefined for what is not
 * an execution: a callback's job (its result is the parent execution's
 * `callback_execution_id`), or a hash that retention removed meanwhile.
 *
 * Two things Redis does not hold exactly are estimated: `attempts` is one
 * plus the retries the log tells of, and the URL is the first request's,
 * composed again from the task (a redirect's later hops are not known).
 */
export function finishedJobRecord(
  queue: string,
  jobId: string,
  set: FinishedSet,
  hash: Record<string, string>,
): ExecutionRecord | undefined {
  if (hash.data === undefined || hash.name === CALLBACK_JOB_NAME) return undefined;
  const { task, meta } = splitJobData(safeJson(hash.data));
  const output = outputOf(set, jobId, hash);
  const finishedAt = Number(hash.finishedOn) || Number(hash.timestamp) || 0;
  const startedAt = hash.processedOn ? Number(hash.processedOn) : null;
  const parentId = hash.parentKey ? hash.parentKey.slice(hash.parentKey.lastIndexOf(':') + 1) : '';
  const schedule = /^repeat:(.+):\d+$/.exec(jobId)?.[1];
  return buildRecord({
    queue,
    executionId: executionIdOf(jobId),
    run: typeof meta.run === 'number' && meta.run >= 1 ? meta.run : 1,
    output,
    cancelled: set === 'failed' && output.message === 'cancelled',
    request: requestOf(task),
    attempts: 1 + output.log.filter((line) => RETRY_LINE.test(line)).length,
    enqueuedAt: Number(hash.timestamp) || finishedAt,
    startedAt,
    finishedAt,
    task,
    flowKey: meta.flowKey,
    schedule,
    callbackExecutionId: isCallbackId(parentId) ? parentId : undefined,
    traceId: meta.trace?.traceparent?.split('-')[1],
  });
}

/** A completed job's return value, or a failed one's stored output (one made from its reason when none was written). */
function outputOf(set: FinishedSet, jobId: string, hash: Record<string, string>): TaskOutput {
  const stored = safeJson(set === 'completed' ? hash.returnvalue : hash[OUTPUT_FIELD]);
  if (isStoredOutput(stored)) return wholeOutput(stored, jobId);
  return outputOfFailure(executionIdOf(jobId), hash.failedReason ?? set);
}

/** The first request's method and URL, when the task is one (a bare BullMQ job may hold anything). */
function requestOf(task: unknown): { method: string; url: URL } | null {
  const checked = checkTask(task);
  if (!checked.ok) return null;
  try {
    return { method: checked.task.method, url: buildUrl(checked.task) };
  } catch {
    return null;
  }
}

function safeJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
