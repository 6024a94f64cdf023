import { ErrorCode } from './error-codes.js';
import { TaskrestError } from './taskrest-error.js';

/** A file larger than `maxFileBytes` (`TASKREST_MAX_FILE_BYTES`); nothing was stored. */
export class FileTooLargeError extends TaskrestError {
  override readonly name = 'FileTooLargeError';
  declare readonly code: typeof ErrorCode.FILE_TOO_LARGE;

  constructor(
    readonly fileName: string,
    readonly maxBytes: number,
  ) {
    super(
      ErrorCode.FILE_TOO_LARGE,
      `file "${fileName}" is larger than the limit of ${maxBytes} bytes`,
    );
  }
}
