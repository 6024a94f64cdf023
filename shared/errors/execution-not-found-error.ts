import { ErrorCode } from './error-codes.js';
import { TaskrestError } from './taskrest-error.js';

/** No execution of that id in the queue: never enqueued, or removed (by retention or by hand). */
export class ExecutionNotFoundError extends TaskrestError {
  override readonly name = 'ExecutionNotFoundError';
  declare readonly code: typeof ErrorCode.EXECUTION_NOT_FOUND;

  constructor(
    readonly executionId: string,
    readonly queue: string,
  ) {
    super(ErrorCode.EXECUTION_NOT_FOUND, `no execution ${executionId} in queue ${queue}`);
  }
}
