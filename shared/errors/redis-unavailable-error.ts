/**
 * Redis could not be reached, so nothing was sent and nothing was stored. The
 * HTTP API answers 503. A write sent without an answer is OutcomeUnknownError.
 */
export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';
  readonly code = 'REDIS_UNAVAILABLE';
}
