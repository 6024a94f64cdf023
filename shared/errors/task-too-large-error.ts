import { ErrorCode } from './error-codes.js';
import { TaskrestError } from './taskrest-error.js';

/** A task over the size limit (`maxTaskBytes`, `TASKREST_MAX_TASK_BYTES`); nothing was stored. */
export class TaskTooLargeError extends TaskrestError {
  override readonly name = 'TaskTooLargeError';
  declare readonly code: typeof ErrorCode.TASK_TOO_LARGE;

  constructor(
    readonly size: number,
    readonly limit: number,
  ) {
    super(
      ErrorCode.TASK_TOO_LARGE,
      `task too large: ${size} bytes, the limit is ${limit} bytes (TASKREST_MAX_TASK_BYTES)`,
    );
  }
}
