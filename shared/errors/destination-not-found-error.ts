import { ErrorCode } from './error-codes.js';
import { TaskrestError } from './taskrest-error.js';

/** A destination not seen in the last 24 hours and without settings of an operator. */
export class DestinationNotFoundError extends TaskrestError {
  override readonly name = 'DestinationNotFoundError';
  declare readonly code: typeof ErrorCode.DESTINATION_NOT_FOUND;

  constructor(readonly origin: string) {
    super(ErrorCode.DESTINATION_NOT_FOUND, `no destination ${origin}`);
  }
}
