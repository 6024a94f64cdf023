import { ErrorCode } from './error-codes.js';
import { TaskrestError } from './taskrest-error.js';

/** A queue still holds executions; removing it needs `force`. */
export class QueueNotEmptyError extends TaskrestError {
  override readonly name = 'QueueNotEmptyError';
  declare readonly code: typeof ErrorCode.QUEUE_NOT_EMPTY;

  constructor(
    readonly queue: string,
    readonly executions: number,
  ) {
    super(
      ErrorCode.QUEUE_NOT_EMPTY,
      `queue ${queue} still holds ${executions} executions; remove it with force to drop them`,
    );
  }
}
