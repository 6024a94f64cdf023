import { ErrorCode } from './error-codes.js';
import { TaskrestError } from './taskrest-error.js';

/** Only a failed execution can run again (`retry`); this one is in `state`. */
export class NotFailedError extends TaskrestError {
  override readonly name = 'NotFailedError';
  declare readonly code: typeof ErrorCode.NOT_FAILED;

  constructor(
    readonly executionId: string,
    readonly state: string,
  ) {
    super(ErrorCode.NOT_FAILED, `execution ${executionId} is ${state}, not failed`);
  }
}
