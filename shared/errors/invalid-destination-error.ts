import { ErrorCode } from './error-codes.js';
import { ValidationError } from './validation-error.js';
import type { ValidationIssue } from './validation-issue.js';

/** An origin or destination settings that fail validation; `issues` names each field. */
export class InvalidDestinationError extends ValidationError {
  override readonly name = 'InvalidDestinationError';
  declare readonly code: typeof ErrorCode.INVALID_DESTINATION;

  constructor(issues: readonly ValidationIssue[]) {
    super(ErrorCode.INVALID_DESTINATION, 'destination', issues);
  }
}
