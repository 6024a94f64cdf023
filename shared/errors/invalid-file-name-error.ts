import { ErrorCode } from './error-codes.js';
import { TaskrestError } from './taskrest-error.js';

/** A name that the files resource refuses; the message says why. */
export class InvalidFileNameError extends TaskrestError {
  override readonly name = 'InvalidFileNameError';
  declare readonly code: typeof ErrorCode.INVALID_FILE_NAME;

  constructor(message: string) {
    super(ErrorCode.INVALID_FILE_NAME, message);
  }
}
