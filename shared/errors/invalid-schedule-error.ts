import { ErrorCode } from './error-codes.js';
import { formatIssues, type ValidationIssue } from './invalid-task-error.js';
import { TaskrestError } from './taskrest-error.js';

/**
 * A schedule that fails validation: its id, its timing (cron, tz,
 * every_seconds, start_at, end_at, limit) or its task (`task.url`, …);
 * `issues` names each field. Nothing was stored.
 */
export class InvalidScheduleError extends TaskrestError {
  override readonly name = 'InvalidScheduleError';
  declare readonly code: typeof ErrorCode.INVALID_SCHEDULE;

  constructor(readonly issues: readonly ValidationIssue[]) {
    super(ErrorCode.INVALID_SCHEDULE, `invalid schedule: ${formatIssues(issues)}`);
  }
}
