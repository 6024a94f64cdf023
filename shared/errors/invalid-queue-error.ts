import { ErrorCode } from './error-codes.js';
import { formatIssues, type ValidationIssue } from './invalid-task-error.js';
import { TaskrestError } from './taskrest-error.js';

/** A queue name or queue settings that fail validation; `issues` names each field. */
export class InvalidQueueError extends TaskrestError {
  override readonly name = 'InvalidQueueError';
  declare readonly code: typeof ErrorCode.INVALID_QUEUE;

  constructor(readonly issues: readonly ValidationIssue[]) {
    super(ErrorCode.INVALID_QUEUE, `invalid queue: ${formatIssues(issues)}`);
  }
}
