import { ErrorCode } from './error-codes.js';
import { TaskrestError } from './taskrest-error.js';

/** A sealed box that cannot be opened: unknown key, tampered with, or not a box at all. */
export class SealedDataError extends TaskrestError {
  override readonly name = 'SealedDataError';
  declare readonly code: typeof ErrorCode.SEALED_DATA;

  constructor(message: string) {
    super(ErrorCode.SEALED_DATA, message);
  }
}
