import type { TaskOutput } from './output.js';

/**
 * An execution waiting for its next retry as a delayed job rather than in a
 * worker slot: what the worker that takes the job when it is due needs to go
 * on with the same execution. Stored in the job's data (see job-envelope.ts);
 * it holds nothing the job's own log does not already show.
 */
export interface ParkedExecution {
  /** When the first attempt was sent (epoch ms): `retry_backoff.deadline` counts from it. */
  readonly firstAttemptAt: number;
  /** When the next attempt is due (epoch ms). */
  readonly dueAt: number;
  /** The number of the retry that is due (1-based, as its log line says). */
  readonly retry: number;
  /** Requests sent so far, and how many of them were retries (for metrics). */
  readonly attempts: number;
  readonly retries: number;
  /** The execution's log so far, earlier lines first. */
  readonly log: readonly string[];
  /** The failure that is being retried, in a few words ("HTTP 503 Service Unavailable"). */
  readonly lastFailure: string;
  /** That failure's response, as the output would show it (null: none came; text left out when large). */
  readonly response: ParkedResponse | null;
}

/** The response parts of an output, kept for an execution that ends at pickup. */
export type ParkedResponse = Pick<TaskOutput, 'status_code' | 'headers' | 'text' | 'encoding'>;

/** True for what `ParkedExecution` describes (job data is anyone's to write). */
export function isParkedExecution(value: unknown): value is ParkedExecution {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.firstAttemptAt === 'number' &&
    typeof v.dueAt === 'number' &&
    typeof v.retry === 'number' &&
    typeof v.attempts === 'number' &&
    typeof v.retries === 'number' &&
    Array.isArray(v.log) &&
    v.log.every((l) => typeof l === 'string') &&
    typeof v.lastFailure === 'string'
  );
}
