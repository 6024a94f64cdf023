import type { ErrorCode } from './error-codes.js';
import { ExitStatus } from './exit-status.js';

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
  DEADLINE_EXCEEDED: { api: null, exit: ERROR, retried: true },
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
