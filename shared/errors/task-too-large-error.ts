/** A task over the configured size limit (`TASKREST_MAX_TASK_BYTES`); nothing was stored. */
export class TaskTooLargeError extends Error {
  override readonly name = 'TaskTooLargeError';
  readonly code = 'TASK_TOO_LARGE';

  constructor(
    readonly size: number,
    readonly limit: number,
  ) {
    super(`task too large: ${size} bytes, the limit is ${limit} bytes (TASKREST_MAX_TASK_BYTES)`);
  }
}
