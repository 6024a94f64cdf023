import { ErrorCode } from './error-codes.js';
import { TaskrestError } from './taskrest-error.js';

/** No queue of that name exists. */
export class QueueNotFoundError extends TaskrestError {
  override readonly name = 'QueueNotFoundError';
  declare readonly code: typeof ErrorCode.QUEUE_NOT_FOUND;

  constructor(readonly queue: string) {
    super(ErrorCode.QUEUE_NOT_FOUND, `no queue ${queue}`);
  }
}
