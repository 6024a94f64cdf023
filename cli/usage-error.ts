import { ErrorCode } from '../shared/errors/error-codes.js';
import { TaskrestError } from '../shared/errors/taskrest-error.js';

/** A usage mistake on the command line: the dispatcher prints the message and exits 2. */
export class UsageError extends TaskrestError {
  override readonly name = 'UsageError';
  declare readonly code: typeof ErrorCode.USAGE;

  constructor(message: string) {
    super(ErrorCode.USAGE, message);
  }
}
