/** Redis could not be reached; nothing was stored. The HTTP API answers 503. */
export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';
  readonly code = 'REDIS_UNAVAILABLE';
}
