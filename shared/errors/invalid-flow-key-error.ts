import { ErrorCode } from './error-codes.js';
import { ValidationError } from './validation-error.js';
import type { ValidationIssue } from './validation-issue.js';

/** A flow key name or flow key settings that fail validation; `issues` names each field. */
export class InvalidFlowKeyError extends ValidationError {
  override readonly name = 'InvalidFlowKeyError';
  declare readonly code: typeof ErrorCode.INVALID_FLOW_KEY;

  constructor(issues: readonly ValidationIssue[]) {
    super(ErrorCode.INVALID_FLOW_KEY, 'flow key', issues);
  }
}
