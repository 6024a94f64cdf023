import { ErrorCode } from './error-codes.js';
import { TaskrestError } from './taskrest-error.js';

/**
 * Redis could not be reached, so nothing was sent and nothing was stored. The
 * HTTP API answers 503. A write sent without an answer is OutcomeUnknownError.
 */
export class RedisUnavailableError extends TaskrestError {
  override readonly name = 'RedisUnavailableError';
  declare readonly code: typeof ErrorCode.REDIS_UNAVAILABLE;

  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.REDIS_UNAVAILABLE, message, options);
  }
}
