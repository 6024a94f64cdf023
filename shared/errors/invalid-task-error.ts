import { ErrorCode } from './error-codes.js';
import { ValidationError } from './validation-error.js';
import type { ValidationIssue } from './validation-issue.js';

// Many modules import these from here, where they were first defined.
export { formatIssues, type ValidationIssue } from './validation-issue.js';

/** A task failed validation; `issues` names every offending field and why. */
export class InvalidTaskError extends ValidationError {
  override readonly name = 'InvalidTaskError';
  declare readonly code: typeof ErrorCode.INVALID_TASK;

  constructor(issues: readonly ValidationIssue[]) {
    super(ErrorCode.INVALID_TASK, 'task', issues);
  }
}
