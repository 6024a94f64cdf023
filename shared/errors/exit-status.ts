/**
 * The exit statuses of the `taskrest` command (docs/cli.md). They are defined
 * here, beside the errors, because the error table gives each error code one
 * of them and shared/ cannot import the CLI; the CLI exports them as its
 * `ExitCode`.
 */
export const ExitStatus = {
  /** The command did what it was asked; `enqueue --wait` and `status`: the output's status is success. */
  SUCCESS: 0,
  /** The command failed, or the execution's output says error. */
  ERROR: 1,
  /** The caller's mistake: bad usage, an invalid task, options, queue or schedule, a bad configuration. */
  USAGE: 2,
  /** `enqueue --wait` and `status`: the execution has not finished. */
  NOT_FINISHED: 3,
  /** `status` of an id no execution has (never enqueued, or removed by retention). */
  NO_SUCH_EXECUTION: 4,
} as const;

export type ExitStatus = (typeof ExitStatus)[keyof typeof ExitStatus];
