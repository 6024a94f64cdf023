/**
 * Stable error codes of taskrest. Callers match on these, never on messages.
 * An `as const` object rather than an enum, so the values are plain strings in
 * job data, outputs and logs.
 */
export const ErrorCode = {
  /** The task failed validation (enqueue time, or a bad job found in Redis). */
  INVALID_TASK: 'INVALID_TASK',
  /** The TCP or TLS handshake did not finish within `connect_timeout`. */
  CONNECT_TIMEOUT: 'CONNECT_TIMEOUT',
  /** The peer was silent for longer than `read_timeout`. */
  READ_TIMEOUT: 'READ_TIMEOUT',
  /** One attempt took longer than `total_timeout`. */
  TOTAL_TIMEOUT: 'TOTAL_TIMEOUT',
  /** Connection refused or reset, DNS failure, and other socket-level failures. */
  NETWORK: 'NETWORK',
  /** The final response's status code is not in `expected_status_code`. */
  UNEXPECTED_STATUS: 'UNEXPECTED_STATUS',
  /** More redirects than `max_redirects`, or a redirect loop. */
  TOO_MANY_REDIRECTS: 'TOO_MANY_REDIRECTS',
  /** The (decompressed) response body exceeded the configured size limit. */
  RESPONSE_TOO_LARGE: 'RESPONSE_TOO_LARGE',
  /** TLS handshake failure: unknown CA, expired certificate, name mismatch. */
  TLS: 'TLS',
  /** An OAuth grant could not be used (unknown name, token endpoint failure). */
  GRANT: 'GRANT',
  /** A `pass_user_token` task that cannot be given a token. */
  USER_TOKEN: 'USER_TOKEN',
  /** A file named by a multipart part does not exist in the files resource. */
  FILE_NOT_FOUND: 'FILE_NOT_FOUND',
  /** The outbound policy refused the destination. */
  DESTINATION_DENIED: 'DESTINATION_DENIED',
  /** Retrying stopped because `retry_backoff.deadline` was reached. */
  DEADLINE_EXCEEDED: 'DEADLINE_EXCEEDED',
  /** The execution was aborted (worker shutdown). */
  ABORTED: 'ABORTED',
  /** A write reached Redis and no answer came: it may or may not be stored. */
  OUTCOME_UNKNOWN: 'OUTCOME_UNKNOWN',
  /** Anything not classified above; the message says what. */
  INTERNAL: 'INTERNAL',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
