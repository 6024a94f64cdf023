import { ErrorCode } from './error-codes.js';
import { TaskError } from './task-error.js';

/** One problem with one input field. `path` is dotted: `retry_backoff.multiplier`. */
export interface ValidationIssue {
  path: string;
  message: string;
}

/** A task failed validation; `issues` names every offending field and why. */
export class InvalidTaskError extends TaskError {
  override readonly name = 'InvalidTaskError';
  declare readonly code: typeof ErrorCode.INVALID_TASK;

  constructor(readonly issues: readonly ValidationIssue[]) {
    super(ErrorCode.INVALID_TASK, `invalid task: ${formatIssues(issues)}`);
  }
}

export function formatIssues(issues: readonly ValidationIssue[]): string {
  return issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
}
