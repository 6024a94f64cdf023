import type { ErrorCode } from './error-codes.js';
import { TaskError } from './task-error.js';
import { formatIssues, type ValidationIssue } from './validation-issue.js';

/**
 * Input that failed validation (a task, enqueue options, a queue, a
 * schedule): `issues` names every offending field and why, and the message
 * lists them after `invalid <subject>:`. Whoever shows the issues field by
 * field (the API's `{"error", "issues"}` answer) tests for this class, so a
 * new kind of input needs no new case there.
 *
 * It extends TaskError, not TaskrestError, because an invalid task is also how
 * an execution fails (a bad job found in Redis ends with INVALID_TASK) and the
 * executor keeps the code of a TaskError; the other kinds never reach an
 * execution, so being TaskErrors changes nothing for them.
 */
export abstract class ValidationError extends TaskError {
  constructor(
    code: ErrorCode,
    /** What was invalid, as the message names it: `task`, `queue`, … */
    subject: string,
    readonly issues: readonly ValidationIssue[],
  ) {
    super(code, `invalid ${subject}: ${formatIssues(issues)}`);
  }
}
