import { ErrorCode } from './error-codes.js';
import { TaskrestError } from './taskrest-error.js';

/** A finished execution (completed or failed) cannot be cancelled. */
export class AlreadyFinishedError extends TaskrestError {
  override readonly name = 'AlreadyFinishedError';
  declare readonly code: typeof ErrorCode.ALREADY_FINISHED;

  constructor(
    readonly executionId: string,
    readonly state: string,
  ) {
    super(ErrorCode.ALREADY_FINISHED, `execution ${executionId} already ${state}`);
  }
}
