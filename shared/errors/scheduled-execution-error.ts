import { ErrorCode } from './error-codes.js';
import { TaskrestError } from './taskrest-error.js';

/**
 * A schedule's pending execution (the next run it made) cannot be removed or
 * cancelled on its own: the schedule would make it again, and BullMQ keeps
 * it bound to its schedule. The schedule is what to remove, or its queue
 * what to pause.
 */
export class ScheduledExecutionError extends TaskrestError {
  override readonly name = 'ScheduledExecutionError';
  declare readonly code: typeof ErrorCode.SCHEDULED_EXECUTION;

  constructor(
    readonly executionId: string,
    readonly scheduleId: string,
    readonly queue: string,
  ) {
    super(
      ErrorCode.SCHEDULED_EXECUTION,
      `execution ${executionId} is the next run of schedule ${scheduleId} and cannot be removed on its own: ` +
        `remove the schedule (DELETE /api/schedules/${scheduleId}, taskrest schedules rm ${scheduleId}) ` +
        `or pause its queue ${queue}`,
    );
  }
}
