import { ExecutionState } from '../shared/execution.js';

/** One execution of `enqueueBulk`'s answer: its id, queue, and state then. */
export interface BulkEnqueued {
  executionId: number | string;
  queue: string;
  /** `waiting`, `delayed` or `prioritized` (BullMQ's); a known jobId's: its state now. */
  state: ExecutionState;
}

/**
 * What `enqueue` answers: the execution as a bulk's item, and whether its
 * `jobId` was known. A known one's `state` is its state now (`completed`,
 * `failed`, `active`, …), not the one a new job would have started in.
 */
export interface Enqueued extends BulkEnqueued {
  /**
   * Given with a `jobId` only: true when a job of that id existed already
   * (it was kept, nothing was stored).
   */
  duplicate?: boolean;
}

/** The state BullMQ gives a new job of these options. */
export function initialStateOf(opts: { delay?: number; priority?: number }): ExecutionState {
  if ((opts.delay ?? 0) > 0) return ExecutionState.DELAYED;
  if ((opts.priority ?? 0) > 0) return ExecutionState.PRIORITIZED;
  return ExecutionState.WAITING;
}
