import { ErrorCode } from './error-codes.js';
import { TaskrestError } from './taskrest-error.js';

/**
 * Only a failed execution can run again (`retry`); this one is in `state`.
 * With `replayed`, it was failed when this replay read it, and another
 * replay of that same failure ran it again first: each failure runs again
 * once, however many replays of it race.
 */
export class NotFailedError extends TaskrestError {
  override readonly name = 'NotFailedError';
  declare readonly code: typeof ErrorCode.NOT_FAILED;

  constructor(
    readonly executionId: string,
    readonly state: string,
    { replayed = false }: { replayed?: boolean } = {},
  ) {
    super(
      ErrorCode.NOT_FAILED,
      replayed
        ? `execution ${executionId} was run again by another replay meanwhile (it is ${state} now)`
        : `execution ${executionId} is ${state}, not failed`,
    );
  }
}
