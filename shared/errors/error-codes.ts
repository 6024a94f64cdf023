import { ExitStatus } from './exit-status.js';

/*
 * The one place an error is defined: its code (ErrorCode) and its row (what
 * the API answers, how the CLI exits, whether the worker retries it). A code
 * without its row does not compile. Adding an error is this file, and, when
 * it has a class of its own, the class's file and its line in index.ts.
 */

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
  /**
   * The destinations' gate held a request: nothing was sent, and the execution
   * waits (parked, or in the slot for a redirect's hop) until the gate lets it
   * go. Never an output's final code: it only travels inside the worker.
   */
  HELD: 'HELD',
  /** Retrying stopped: the next retry would start past `retry_backoff.deadline` (or a parked one was taken up past it). */
  DEADLINE_EXCEEDED: 'DEADLINE_EXCEEDED',
  /** The execution ran in its worker slot for TASKREST_MAX_TASK_SECONDS at a stretch and was stopped. */
  TASK_TIME_LIMIT: 'TASK_TIME_LIMIT',
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
  /** A schedule's pending execution cannot be removed or cancelled on its own: remove the schedule. */
  SCHEDULED_EXECUTION: 'SCHEDULED_EXECUTION',

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
  /** Creating the queue would make more queues than the limit (TASKREST_MAX_QUEUES); nothing was stored. */
  TOO_MANY_QUEUES: 'TOO_MANY_QUEUES',

  // Destinations and flow keys.
  /** An origin, a flow key name or their settings that fail validation; `issues` names each field. */
  INVALID_DESTINATION: 'INVALID_DESTINATION',
  /** A destination never seen (in the last 24 h) and without settings. */
  DESTINATION_NOT_FOUND: 'DESTINATION_NOT_FOUND',
  /** A flow key name or flow key settings that fail validation; `issues` names each field. */
  INVALID_FLOW_KEY: 'INVALID_FLOW_KEY',
  /** A flow key never seen (in the last 24 h) and without settings. */
  FLOW_KEY_NOT_FOUND: 'FLOW_KEY_NOT_FOUND',

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
  /** A request body of a Content-Type the route does not read. */
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  /** A missing or wrong bearer token. */
  UNAUTHORIZED: 'UNAUTHORIZED',

  // The command line.
  /** A usage mistake on the command line. */
  USAGE: 'USAGE',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The HTTP API's answer to an error: the status and the body's stable `error` word. */
export interface ApiAnswer {
  readonly status: number;
  readonly error: string;
}

/** What the API, the CLI and the worker do with one error code. */
export interface ErrorRow {
  /**
   * The API's answer; null for a code the API never answers with, which it
   * answers as 500 `internal error` (saying nothing of what failed inside).
   */
  readonly api: ApiAnswer | null;
  /** The `taskrest` command's exit status when a command fails with this code. */
  readonly exit: ExitStatus;
  /**
   * Whether BullMQ may run a job again after its execution failed with this
   * code. Only execution codes ever end an execution; the others say true,
   * the worker's answer for any code it is not told otherwise about.
   */
  readonly retried: boolean;
}

/**
 * A table with one row for every code of `Code`. The error table is declared
 * with this type, so a code added to ErrorCode without its row does not compile.
 */
export type ErrorTable<Code extends string = ErrorCode> = Readonly<Record<Code, ErrorRow>>;

const { ERROR, USAGE, NO_SUCH_EXECUTION } = ExitStatus;

/**
 * Every error code with its API answer, CLI exit status and retry, in
 * ErrorCode's order: the one place to look up (and to add) what an error
 * means to each part of taskrest.
 */
export const ERROR_TABLE: ErrorTable = {
  // Execution failures (outputs and logs carry these codes). Two are never retried: an
  // invalid task stays invalid, and a denied destination stays denied.
  INVALID_TASK: { api: { status: 400, error: 'invalid task' }, exit: USAGE, retried: false },
  CONNECT_TIMEOUT: { api: null, exit: ERROR, retried: true },
  READ_TIMEOUT: { api: null, exit: ERROR, retried: true },
  TOTAL_TIMEOUT: { api: null, exit: ERROR, retried: true },
  NETWORK: { api: null, exit: ERROR, retried: true },
  UNEXPECTED_STATUS: { api: null, exit: ERROR, retried: true },
  TOO_MANY_REDIRECTS: { api: null, exit: ERROR, retried: true },
  RESPONSE_TOO_LARGE: { api: null, exit: ERROR, retried: true },
  TLS: { api: null, exit: ERROR, retried: true },
  GRANT: { api: null, exit: ERROR, retried: true },
  USER_TOKEN: { api: null, exit: ERROR, retried: true },
  FILE_NOT_FOUND: { api: { status: 404, error: 'not found' }, exit: ERROR, retried: true },
  DESTINATION_DENIED: { api: null, exit: ERROR, retried: false },
  HELD: { api: null, exit: ERROR, retried: true },
  DEADLINE_EXCEEDED: { api: null, exit: ERROR, retried: true },
  TASK_TIME_LIMIT: { api: null, exit: ERROR, retried: true },
  ABORTED: { api: null, exit: ERROR, retried: true },
  CANCELLED: { api: null, exit: ERROR, retried: true },
  OUTCOME_UNKNOWN: { api: { status: 503, error: 'outcome unknown' }, exit: ERROR, retried: true },
  INTERNAL: { api: null, exit: ERROR, retried: true },

  // Enqueueing and reading executions.
  TASK_TOO_LARGE: { api: { status: 413, error: 'task too large' }, exit: USAGE, retried: true },
  REDIS_UNAVAILABLE: {
    api: { status: 503, error: 'redis unavailable' },
    exit: ERROR,
    retried: true,
  },
  INVALID_CONFIG: { api: null, exit: USAGE, retried: true },
  SEALED_DATA: { api: null, exit: ERROR, retried: true },
  INVALID_OPTIONS: { api: { status: 400, error: 'invalid options' }, exit: USAGE, retried: true },
  EXECUTION_NOT_FOUND: {
    api: { status: 404, error: 'not found' },
    exit: NO_SUCH_EXECUTION,
    retried: true,
  },
  NOT_FAILED: { api: { status: 409, error: 'not failed' }, exit: ERROR, retried: true },
  ALREADY_FINISHED: { api: { status: 409, error: 'already finished' }, exit: ERROR, retried: true },
  SCHEDULED_EXECUTION: {
    api: { status: 409, error: 'scheduled execution' },
    exit: ERROR,
    retried: true,
  },

  // The files resource.
  FILE_TOO_LARGE: { api: { status: 413, error: 'file too large' }, exit: ERROR, retried: true },
  INVALID_FILE_NAME: {
    api: { status: 400, error: 'invalid file name' },
    exit: USAGE,
    retried: true,
  },
  FILE_CHANGED: { api: { status: 409, error: 'file changed' }, exit: ERROR, retried: true },
  EMPTY_FILE: { api: { status: 400, error: 'empty file' }, exit: ERROR, retried: true },

  // Queues.
  INVALID_QUEUE: { api: { status: 400, error: 'invalid queue' }, exit: USAGE, retried: true },
  QUEUE_NOT_FOUND: { api: { status: 404, error: 'not found' }, exit: ERROR, retried: true },
  QUEUE_NOT_EMPTY: { api: { status: 409, error: 'queue not empty' }, exit: ERROR, retried: true },
  TOO_MANY_QUEUES: { api: { status: 409, error: 'too many queues' }, exit: ERROR, retried: true },

  // Destinations and flow keys.
  INVALID_DESTINATION: {
    api: { status: 400, error: 'invalid destination' },
    exit: USAGE,
    retried: true,
  },
  DESTINATION_NOT_FOUND: { api: { status: 404, error: 'not found' }, exit: ERROR, retried: true },
  INVALID_FLOW_KEY: { api: { status: 400, error: 'invalid flow key' }, exit: USAGE, retried: true },
  FLOW_KEY_NOT_FOUND: { api: { status: 404, error: 'not found' }, exit: ERROR, retried: true },

  // Schedules.
  INVALID_SCHEDULE: { api: { status: 400, error: 'invalid schedule' }, exit: USAGE, retried: true },
  SCHEDULE_NOT_FOUND: { api: { status: 404, error: 'not found' }, exit: ERROR, retried: true },

  // Answers of the HTTP API (ApiError).
  NOT_FOUND: { api: { status: 404, error: 'not found' }, exit: ERROR, retried: true },
  EXECUTION_ACTIVE: {
    api: { status: 409, error: 'execution is active' },
    exit: ERROR,
    retried: true,
  },
  BAD_REQUEST: { api: { status: 400, error: 'bad request' }, exit: ERROR, retried: true },
  INVALID_IDEMPOTENCY_KEY: {
    api: { status: 400, error: 'invalid Idempotency-Key' },
    exit: ERROR,
    retried: true,
  },
  BODY_TOO_LARGE: { api: { status: 413, error: 'body too large' }, exit: ERROR, retried: true },
  UNSUPPORTED_MEDIA_TYPE: {
    api: { status: 415, error: 'unsupported media type' },
    exit: ERROR,
    retried: true,
  },
  UNAUTHORIZED: { api: { status: 401, error: 'unauthorized' }, exit: ERROR, retried: true },

  // The command line.
  USAGE: { api: null, exit: USAGE, retried: true },
};

/**
 * Whether BullMQ may run a job again after its execution failed with this
 * code; when not, the worker fails the job for good (BullMQ's
 * UnrecoverableError). A string that is no ErrorCode is retried, as any
 * failure the table does not name.
 */
export function isRetried(code: ErrorCode): boolean {
  return Object.hasOwn(ERROR_TABLE, code) ? ERROR_TABLE[code].retried : true;
}
