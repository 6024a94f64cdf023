import type { ErrorCode } from './error-codes.js';

/**
 * The base of every error taskrest throws: a stable `code` (one of
 * {@link ErrorCode}) that callers match on, a one-line message for people,
 * and the underlying `cause`. The message never carries secrets; the cause
 * may, so it is never serialised into outputs or job data.
 *
 * @example
 * try { await producer.enqueue(task) }
 * catch (error) { if (error instanceof TaskrestError && error.code === ErrorCode.INVALID_TASK) … }
 */
export class TaskrestError extends Error {
  override readonly name: string = 'TaskrestError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
