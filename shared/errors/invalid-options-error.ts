import { ErrorCode } from './error-codes.js';
import { formatIssues, type ValidationIssue } from './invalid-task-error.js';
import { TaskrestError } from './taskrest-error.js';

/** Enqueue options (delay, run_at, priority, idempotency key) that fail validation; `issues` names each. */
export class InvalidOptionsError extends TaskrestError {
  override readonly name = 'InvalidOptionsError';
  declare readonly code: typeof ErrorCode.INVALID_OPTIONS;

  constructor(readonly issues: readonly ValidationIssue[]) {
    super(ErrorCode.INVALID_OPTIONS, `invalid options: ${formatIssues(issues)}`);
  }
}
