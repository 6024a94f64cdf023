import { ErrorCode } from './error-codes.js';
import { ValidationError } from './validation-error.js';
import type { ValidationIssue } from './validation-issue.js';

/**
 * A schedule that fails validation: its id, its timing (cron, tz,
 * every_seconds, start_at, end_at, limit) or its task (`task.url`, …);
 * `issues` names each field. Nothing was stored.
 */
export class InvalidScheduleError extends ValidationError {
  override readonly name = 'InvalidScheduleError';
  declare readonly code: typeof ErrorCode.INVALID_SCHEDULE;

  constructor(issues: readonly ValidationIssue[]) {
    super(ErrorCode.INVALID_SCHEDULE, 'schedule', issues);
  }
}
