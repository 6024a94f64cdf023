/**
 * Every stable error code of taskrest: the `code` of each TaskrestError.
 * Callers (and the HTTP API and CLI) match on these, never on messages.
 * An `as const` object rather than an enum, so the values are plain strings in
 * job data, outputs and logs. The execution codes (INVALID_TASK … INTERNAL)
 * appear in outputs and logs: their values never change.
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
  /** Someone cancelled the execution (the API's DELETE, `taskrest cancel`, the library's `cancel`). */
  CANCELLED: 'CANCELLED',
  /** A write reached Redis and no answer came: it may or may not be stored. */
  OUTCOME_UNKNOWN: 'OUTCOME_UNKNOWN',
  /** Anything not classified above; the message says what. */
  INTERNAL: 'INTERNAL',

  // Enqueueing and reading executions (the library, the API, the CLI).
  /** A task over `maxTaskBytes`; nothing was stored. */
  TASK_TOO_LARGE: 'TASK_TOO_LARGE',
  /** Redis does not answer; nothing was stored. */
  REDIS_UNAVAILABLE: 'REDIS_UNAVAILABLE',
  /** A bad environment variable, GRANTS_FILE, or TaskProducer option. */
  INVALID_CONFIG: 'INVALID_CONFIG',
  /** Sealed task secrets that cannot be opened (unknown key, altered). */
  SEALED_DATA: 'SEALED_DATA',

  /** Enqueue options (delay, run_at, priority, …) that fail validation; `issues` names each. */
  INVALID_OPTIONS: 'INVALID_OPTIONS',
  /** No execution of that id in the queue (never enqueued, or removed by retention). */
  EXECUTION_NOT_FOUND: 'EXECUTION_NOT_FOUND',
  /** Only a failed execution can run again. */
  NOT_FAILED: 'NOT_FAILED',
  /** A finished execution cannot be cancelled. */
  ALREADY_FINISHED: 'ALREADY_FINISHED',

  // The files resource.
  /** A file over `maxFileBytes`; nothing was stored. */
  FILE_TOO_LARGE: 'FILE_TOO_LARGE',
  /** A file name the files resource refuses. */
  INVALID_FILE_NAME: 'INVALID_FILE_NAME',
  /** The file was replaced or deleted while it was read. */
  FILE_CHANGED: 'FILE_CHANGED',
  /** An empty upload to the files resource, without `?allow_empty=true`. */
  EMPTY_FILE: 'EMPTY_FILE',

  // Queues.
  /** Queue settings or a queue name that fail validation; `issues` names each field. */
  INVALID_QUEUE: 'INVALID_QUEUE',
  /** No such queue. */
  QUEUE_NOT_FOUND: 'QUEUE_NOT_FOUND',
  /** A queue that still holds executions cannot be removed without `force`. */
  QUEUE_NOT_EMPTY: 'QUEUE_NOT_EMPTY',

  // Schedules.
  /** A schedule (its id, timing or task) that fails validation; `issues` names each field. */
  INVALID_SCHEDULE: 'INVALID_SCHEDULE',
  /** No such schedule. */
  SCHEDULE_NOT_FOUND: 'SCHEDULE_NOT_FOUND',

  // Answers of the HTTP API (ApiError).
  /** No such execution or file. */
  NOT_FOUND: 'NOT_FOUND',
  /** The execution runs now and cannot be removed. */
  EXECUTION_ACTIVE: 'EXECUTION_ACTIVE',
  /** A malformed request: bad query, bad JSON, wrong content type. */
  BAD_REQUEST: 'BAD_REQUEST',
  /** An `Idempotency-Key` header that cannot be an execution id. */
  INVALID_IDEMPOTENCY_KEY: 'INVALID_IDEMPOTENCY_KEY',
  /** A request body over the API's limit. */
  BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  /** A missing or wrong bearer token. */
  UNAUTHORIZED: 'UNAUTHORIZED',

  // The command line.
  /** A usage mistake on the command line. */
  USAGE: 'USAGE',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
