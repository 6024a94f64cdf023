import { ErrorCode } from './error-codes.js';
import { TaskrestError } from './taskrest-error.js';

/**
 * The file was replaced or deleted while it was being read, so the bytes read
 * so far belong to a version that no longer exists; the reader must start over.
 */
export class FileChangedError extends TaskrestError {
  override readonly name = 'FileChangedError';
  declare readonly code: typeof ErrorCode.FILE_CHANGED;

  constructor(readonly fileName: string) {
    super(
      ErrorCode.FILE_CHANGED,
      `file "${fileName}" was replaced or deleted while it was being read`,
    );
  }
}
