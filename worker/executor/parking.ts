import { ErrorCode } from '../../shared/errors/error-codes.js';
import { TaskError } from '../../shared/errors/task-error.js';
import type { ParkedExecution, ParkedResponse } from '../../shared/parked-execution.js';
import type { Task } from '../../shared/task-schema.js';
import { statusClassOf } from '../../shared/worker-metrics.js';
import { responseFields, type ResponseFields } from './build-output.js';
import { responseOf } from './classify-error.js';
import type { ExecutionLog } from './execution-log.js';
import type { ParkResult } from './execution-result.js';
import { pickupPastDeadline } from './deadline-message.js';
import type { PlannedPark } from './retry-policy.js';

/** A parked response keeps its text only up to this size (job data stays small). */
const PARKED_TEXT_LIMIT = 16 * 1024;

/** A parked execution taken up past its deadline: it ends with the last failure's response. */
export class PickupDeadline extends TaskError {
  constructor(
    message: string,
    readonly response: ParkedResponse | null,
  ) {
    super(ErrorCode.DEADLINE_EXCEEDED, message);
  }
}

/**
 * Taking up a parked execution at `now`: past its deadline it ends (nothing
 * is sent), with a PickupDeadline thrown; otherwise the resumed request is
 * the retry that was due. Taken up before it is due, it goes on at once:
 * someone made the job due (BullMQ's `promote`, the dashboard), or a worker
 * died before it could delay it.
 */
export function checkPickup(resume: ParkedExecution, task: Task, now: number): void {
  const { deadline } = task.retry_backoff;
  if (now > resume.firstAttemptAt + deadline * 1000) {
    throw new PickupDeadline(
      pickupPastDeadline({
        attempts: resume.retry,
        retry: resume.retry,
        deadlineSeconds: deadline,
        elapsedMs: now - resume.firstAttemptAt,
        last: resume.lastFailure,
      }),
      resume.response,
    );
  }
}

/**
 * Takes up a parked (or held) execution at `now`, its log saying so: checked
 * against its deadline (see checkPickup). True when a retry is due (the
 * request it sends is that retry), false when a first attempt the gate held is.
 */
export function takeUp(
  resume: ParkedExecution,
  task: Task,
  now: number,
  log: ExecutionLog,
): boolean {
  checkPickup(resume, task, now);
  if (resume.retry === 0) {
    log.add('taken up again after the hold');
    return false;
  }
  log.add(`taken up again for retry ${resume.retry}`);
  return true;
}

/** What a park keeps of the execution so far. */
export interface ExecutionSoFar {
  /** When its first attempt started (epoch ms): the deadline counts from there. */
  readonly firstAttemptAt: number;
  readonly attempts: number;
  readonly retries: number;
  /** Its log: the park adds its own line, then keeps every line. */
  readonly log: ExecutionLog;
}

/** The ParkResult of a retry that parks at `now`: its log line says until when. */
export function parkResult(plan: PlannedPark, soFar: ExecutionSoFar, now: number): ParkResult {
  const dueAt = now + plan.delayMs;
  soFar.log.add(
    `retry ${plan.retry} in ${(plan.delayMs / 1000).toFixed(1)} s after ${plan.reason}: ` +
      `parked, the worker slot freed until ${new Date(dueAt).toISOString()}`,
  );
  const failed = responseOf(plan.error);
  return {
    parked: {
      firstAttemptAt: soFar.firstAttemptAt,
      dueAt,
      retry: plan.retry,
      attempts: soFar.attempts,
      retries: soFar.retries,
      log: [...soFar.log.lines],
      lastFailure: plan.failure,
      response: failed ? parkedResponse(responseFields(failed)) : null,
    },
    counts: {
      attempts: soFar.attempts,
      retries: soFar.retries,
      statusClass: statusClassOf(failed?.status ?? null),
    },
  };
}

/** A response kept on a parked job: a large text is left out (the job's data stays small). */
function parkedResponse(fields: ResponseFields): ParkedResponse {
  if ((fields.text?.length ?? 0) <= PARKED_TEXT_LIMIT) return fields;
  return { ...fields, text: null };
}
