/** The option of every call about one execution (or one queue's executions): where it is. */
export interface QueueOption {
  /** The execution's queue. @defaultValue the producer's `queue` */
  queue?: string;
}

/** Options of `cancel`. */
export interface CancelOptions extends QueueOption {
  /** Who cancels, named in the execution's log. @defaultValue 'library' */
  by?: string;
}

/** Options of `retryFailed`. */
export interface RetryFailedOptions extends QueueOption {
  /** Only the executions that failed at or after this time. @defaultValue every failed one */
  since?: Date | string;
}

/** Options of `waitForResult`. */
export interface WaitOptions extends QueueOption {
  /** How long to wait for the execution to finish, in ms. @defaultValue 30000 */
  timeoutMs?: number;
}
