import { ErrorCode } from './error-codes.js';
import { TaskrestError } from './taskrest-error.js';

/** No file of that name in the files resource. */
export class FileNotFoundError extends TaskrestError {
  override readonly name = 'FileNotFoundError';
  declare readonly code: typeof ErrorCode.FILE_NOT_FOUND;

  constructor(readonly fileName: string) {
    super(ErrorCode.FILE_NOT_FOUND, `file "${fileName}" not found in the files resource`);
  }
}
