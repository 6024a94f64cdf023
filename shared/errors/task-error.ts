import type { ErrorCode } from './error-codes.js';
import { TaskrestError } from './taskrest-error.js';

/**
 * An execution failed: its `code` (CONNECT_TIMEOUT, UNEXPECTED_STATUS, …)
 * is what outputs and logs carry, so these codes never change.
 */
export class TaskError extends TaskrestError {
  override readonly name: string = 'TaskError';

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
