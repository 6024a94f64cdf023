import type { ErrorCode } from '../shared/errors/error-codes.js';
import { TaskrestError } from '../shared/errors/taskrest-error.js';

/**
 * An answer a route decides on itself (404, 409, a bad header). Its `code`
 * picks the status and the body's `error` word (see error-answers.ts).
 */
export class ApiError extends TaskrestError {
  override readonly name = 'ApiError';

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
