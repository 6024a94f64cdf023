import type { TaskOutput } from '../output.js';

/**
 * How an execution ended, as the history records it: BullMQ's `completed`
 * and `failed`, and `cancelled` for a failed one whose ending someone asked
 * for (`DELETE` of a running execution, `taskrest cancel`).
 */
export const RecordState = {
  COMPLETED: 'completed',
  FAILED: 'failed',
  CANCELLED: 'cancelled',
} as const;
export type RecordState = (typeof RecordState)[keyof typeof RecordState];

/**
 * One run of one execution that ended: what the history keeps, lists and
 * searches. Secrets are redacted as everywhere (URL, output headers, and
 * any value of the task's own credentials wherever it appears). Times are
 * ISO 8601 UTC.
 */
export interface ExecutionRecord {
  queue: string;
  execution_id: number | string;
  /** 1 for the first run; each replay (retry of a failed execution) adds one. */
  run: number;
  state: RecordState;
  /** The request's method (upper case) and URL; null when the task was invalid before it had one. */
  method: string | null;
  url: string | null;
  /** The destination: `scheme://host:port`, the port always written. */
  origin: string | null;
  status_code: number | null;
  message: string;
  /** HTTP requests sent (retries included). */
  attempts: number;
  enqueued_at: string;
  /** When its first attempt of this run started; null when it never started (cancelled while waiting). */
  started_at: string | null;
  finished_at: string;
  duration_ms: number | null;
  flow_key?: string;
  /** The schedule that enqueued it. */
  schedule?: string;
  callback_execution_id?: number | string;
  trace_id?: string;
  /** The output (redacted; its text capped at RECORD_TEXT_LIMIT characters). */
  output?: TaskOutput;
}

/** A record as the list shows it: everything but the output. */
export type ExecutionSummary = Omit<ExecutionRecord, 'output'>;

/** The most characters of an output's `text` a record keeps (the rest is cut, with a note). */
export const RECORD_TEXT_LIMIT = 4096;

/** A record's identity: a replay of the same execution is another run, a redelivery the same one. */
export function recordKey(record: Pick<ExecutionRecord, 'queue' | 'execution_id' | 'run'>): string {
  return `${record.queue}\u0000${record.execution_id}\u0000${record.run}`;
}
