import type { ErrorCode } from './error-codes.js';

/**
 * The one error type of taskrest: a stable `code`, a one-line message for
 * people, and the underlying cause. Its message never carries secrets; the
 * cause may, so it is never serialised into outputs or job data.
 */
export class TaskError extends Error {
  override readonly name = 'TaskError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
