import { ErrorCode } from './error-codes.js';
import { ValidationError } from './validation-error.js';
import type { ValidationIssue } from './validation-issue.js';

/** A queue name or queue settings that fail validation; `issues` names each field. */
export class InvalidQueueError extends ValidationError {
  override readonly name = 'InvalidQueueError';
  declare readonly code: typeof ErrorCode.INVALID_QUEUE;

  constructor(issues: readonly ValidationIssue[]) {
    super(ErrorCode.INVALID_QUEUE, 'queue', issues);
  }
}
