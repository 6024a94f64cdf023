import { ErrorCode } from './error-codes.js';
import { ValidationError } from './validation-error.js';
import type { ValidationIssue } from './validation-issue.js';

/** Enqueue options (delay, run_at, priority, idempotency key) that fail validation; `issues` names each. */
export class InvalidOptionsError extends ValidationError {
  override readonly name = 'InvalidOptionsError';
  declare readonly code: typeof ErrorCode.INVALID_OPTIONS;

  constructor(issues: readonly ValidationIssue[]) {
    super(ErrorCode.INVALID_OPTIONS, 'options', issues);
  }
}
