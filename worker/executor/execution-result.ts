import type { TaskError } from '../../shared/errors/task-error.js';
import type { TaskOutput } from '../../shared/output.js';
import type { ParkedExecution } from '../../shared/parked-execution.js';

/** What an execution did, counted as it happened (for metrics; never read back from the log). */
export interface ExecutionCounts {
  /** Requests sent: every hop's first attempt and retries, and the resend after a renewal. */
  readonly attempts: number;
  /** Attempts that were retries (a retry status code or a retryable failure). */
  readonly retries: number;
  /** `2xx` … `5xx` of the final response, `none` when none came (shared/worker-metrics.ts). */
  readonly statusClass: string;
}

/** What an execution produced: the output, its counts, and for status error the classified error. */
export interface ExecutionResult {
  readonly output: TaskOutput;
  /** What the execution requested (its first hop); null when it ended before it had a URL (invalid task). */
  readonly request: RequestTarget | null;
  readonly counts: ExecutionCounts;
  /** Why the status is error; absent on success. UNEXPECTED_STATUS when a response came but was not expected. */
  readonly error?: TaskError;
}

/**
 * An execution that stopped, without an output, to wait for its next retry
 * outside the worker slot: the worker stores `parked` on the job and delays
 * it until `parked.dueAt`. An execution the destinations' gate held parks
 * the same way, with `held` saying why.
 */
export interface ParkResult {
  readonly parked: ParkedExecution;
  /** Set when the gate held the execution (no attempt used): the hold's reason (a HoldReason). */
  readonly held?: string;
  readonly counts: ExecutionCounts;
}

/** True when the execution parked rather than finished. */
export function isParked(result: ExecutionResult | ParkResult): result is ParkResult {
  return 'parked' in result;
}

/** The method and URL of an execution's first request. */
export interface RequestTarget {
  readonly method: string;
  readonly url: URL;
}
