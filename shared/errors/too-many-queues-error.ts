import { ErrorCode } from './error-codes.js';
import { TaskrestError } from './taskrest-error.js';

/**
 * Creating the queue would make more queues than the limit allows
 * (TASKREST_MAX_QUEUES, the library's `maxQueues`): nothing of it was
 * stored. Removing a queue makes room.
 */
export class TooManyQueuesError extends TaskrestError {
  override readonly name = 'TooManyQueuesError';
  declare readonly code: typeof ErrorCode.TOO_MANY_QUEUES;

  constructor(
    readonly queue: string,
    readonly limit: number,
  ) {
    super(
      ErrorCode.TOO_MANY_QUEUES,
      `queue ${queue} was not created: there are ${limit} queues already, the most allowed (TASKREST_MAX_QUEUES); remove one, or raise the limit`,
    );
  }
}
