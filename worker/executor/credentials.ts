import { ErrorCode } from '../../shared/errors/error-codes.js';
import { TaskError } from '../../shared/errors/task-error.js';
import type { Task } from '../../shared/task-schema.js';
import type { ExecutionContext } from './execution-context.js';

/** Credentials for one execution's request (see Authorizer). */
export interface Credentials {
  /** Headers set on every hop to the task's original origin, and on no other. */
  readonly headers: Record<string, string>;
  /**
   * Called when that origin answers 401: fresh headers (a renewed token); the
   * request is then sent once more with them. Absent: the 401 stands.
   */
  readonly renew?: () => Promise<Record<string, string>>;
}

/**
 * Adds credentials to a task's request (OAuth grants, user tokens) going to
 * `url`. Throws a TaskError to refuse, before anything is sent.
 */
export type Authorizer = (task: Task, url: URL, context: ExecutionContext) => Promise<Credentials>;

/** The credentials of a task that wants none: no headers, nothing to renew. */
const NO_CREDENTIALS: Credentials = Object.freeze({ headers: Object.freeze({}) });

/**
 * The credentials of a task when no authorizer is asked: none, for a task
 * that wants none; a task that wants some (without an authorizer: unit
 * tests) is refused rather than sent without them.
 */
export function withoutAuthorizer(task: Task): Credentials {
  if (task.grant) {
    throw new TaskError(ErrorCode.GRANT, `grant "${task.grant}" is not configured (GRANTS_FILE)`);
  }
  if (task.pass_user_token) {
    throw new TaskError(ErrorCode.USER_TOKEN, 'pass_user_token: user tokens are not configured');
  }
  return NO_CREDENTIALS;
}
