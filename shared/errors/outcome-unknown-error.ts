import { ErrorCode } from './error-codes.js';
import { TaskrestError } from './taskrest-error.js';

/**
 * A write was sent to Redis and no answer came (Redis froze, or the
 * connection broke on the way back): it may or may not be stored. Unlike
 * RedisUnavailableError, "nothing was stored" would be a guess. The HTTP API
 * answers 503 `{"error": "outcome unknown"}`; a retry with the same
 * Idempotency-Key (BullMQ job id) never makes a second execution.
 */
export class OutcomeUnknownError extends TaskrestError {
  override readonly name = 'OutcomeUnknownError';
  declare readonly code: typeof ErrorCode.OUTCOME_UNKNOWN;
  /** The execution id the write used, when the caller chose it (Idempotency-Key). */
  readonly executionId: string | undefined;

  constructor(message: string, options?: { cause?: unknown; executionId?: string | undefined }) {
    super(ErrorCode.OUTCOME_UNKNOWN, message, options);
    this.executionId = options?.executionId;
  }
}
