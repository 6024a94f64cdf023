import type { Context } from '@opentelemetry/api';
import type { GenericAbortSignal } from 'axios';
import type { ParkedExecution } from '../../shared/parked-execution.js';

/** One execution's identity and controls. */
export interface ExecutionContext {
  readonly executionId: number | string;
  /** Aborts the request in flight (worker shutdown, a lost lock, a cancel). */
  readonly signal?: GenericAbortSignal;
  /** Receives each log line as it happens (the job's BullMQ log). */
  readonly onLog?: (line: string) => void;
  /** Who started the execution (for pass_user_token). */
  readonly user?: string;
  /** The execution's trace context: each attempt's span is its child and the target gets its traceparent. */
  readonly traceContext?: Context;
  /** The parked execution this one goes on with: its log, counts, retry number and deadline. */
  readonly resume?: ParkedExecution;
  /** The queue the execution belongs to: with the id, it names the execution to the destinations' gate. */
  readonly queue?: string;
  /** The flow key the execution was enqueued under: its limits hold too. */
  readonly flowKey?: string;
  /**
   * Headers made afresh for every request sent (first attempt, retries,
   * redirects), given when it goes out (epoch ms): a callback's signature
   * and its timestamp. Never logged, never stored.
   */
  readonly attemptHeaders?: (sendAtMs: number) => Record<string, string>;
  /**
   * True: a request that may have reached its peer (a reset, a read or total
   * timeout) is sent again whatever its method, because the peer drops a
   * repeat itself (a callback's receiver, by its `webhook-id`). Absent: only
   * idempotent methods are.
   */
  readonly idempotent?: boolean;
  /**
   * Read the response body only this far, and keep that much (the log says
   * it was cut): an answer whose status is all that counts (a callback's).
   * Nothing about the body then fails the attempt once the status came.
   * Absent: the whole body is read, and one past the worker's limit fails.
   */
  readonly keepResponseBytes?: number;
}
