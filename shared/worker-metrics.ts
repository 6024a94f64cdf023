import { queueKeyBase, type QueueRef } from './queue-keys.js';

/**
 * The worker metrics contract. Workers are separate processes, so each one
 * adds its counts to one Redis hash (HINCRBY deltas, batched) and the API
 * turns the totals into Prometheus metrics. Totals outlive the worker that
 * counted them, as counters should.
 */

/** Upper bounds (seconds) of the execution duration histogram's buckets. */
export const DURATION_BUCKETS: readonly number[] = Object.freeze([
  0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600,
]);

/** The hash of the totals: under the queue's prefix, so in its cluster slot. */
export function workerMetricsKey(queue: QueueRef): string {
  return `${queueKeyBase(queue)}:taskrest-metrics`;
}

/** `2xx` … `5xx` for a final status code, `none` when no response came (network error, timeout). */
export function statusClassOf(statusCode: number | null): string {
  if (statusCode === null || statusCode < 100 || statusCode > 599) return 'none';
  return `${Math.floor(statusCode / 100)}xx`;
}

/**
 * The `status` label of cancelled executions in `taskrest_executions_total`,
 * beside the output statuses `success` and `error`: a cancel is neither.
 */
export const CANCELLED_STATUS = 'cancelled';

/** The fields of the hash. Bucket fields count observations in (previous bound, bound], not cumulatively. */
export const MetricField = {
  execution: (status: string) => `executions:${status}`,
  statusClass: (statusClass: string) => `responses:${statusClass}`,
  RETRIES: 'retries',
  bucket: (le: number | '+Inf') => `duration_le:${le}`,
  DURATION_SUM: 'duration_sum',
  DURATION_COUNT: 'duration_count',
} as const;

/** The bucket field an observation of `seconds` goes to. */
export function bucketOf(seconds: number): number | '+Inf' {
  return DURATION_BUCKETS.find((le) => seconds <= le) ?? '+Inf';
}
