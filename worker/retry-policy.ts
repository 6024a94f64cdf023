import type { Readable } from 'node:stream';
import type { AxiosError, AxiosResponse } from 'axios';
import type { IAxiosRetryConfig } from 'axios-retry';
import type { RetryBackoff, Task } from '../shared/task-schema.js';
import { classifyError, isRetryableNetworkError } from './classify-error.js';

/** The shortest wait between two attempts (seed: "the minimum delay between two tries is 1 second"). */
export const MIN_RETRY_DELAY_MS = 1000;

/** Methods that may be sent twice without changing the outcome (RFC 9110 9.2.2). */
const IDEMPOTENT = new Set(['get', 'head', 'options', 'put', 'delete']);

/**
 * The wait before retry `n` (1-based): `min(maximum, initial * multiplier^(n-1))`
 * seconds, never under one second.
 */
export function backoffDelayMs(backoff: RetryBackoff, n: number): number {
  const seconds = Math.min(backoff.maximum, backoff.initial * backoff.multiplier ** (n - 1));
  return Math.max(MIN_RETRY_DELAY_MS, Math.round(seconds * 1000));
}

/** A Retry-After header (seconds or HTTP date) as milliseconds from `now`, or null. */
export function retryAfterMs(header: unknown, now: number): number | null {
  if (typeof header !== 'string' || header.trim() === '') return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** What the retry policy tells the executor. */
export interface RetryEvents {
  /** A retry is about to wait `delayMs`; `reason` says why, in a few words. */
  onRetry(attempt: number, delayMs: number, reason: string): void;
  /** Retrying stopped because the next attempt would start past the deadline. */
  onDeadline(reason: string): void;
  /** Called for each retry attempt: a fresh body (streams cannot be replayed). */
  rebuildBody(): string | Buffer | Readable | undefined;
}

/**
 * The axios-retry configuration of one execution, from the task's
 * `retry_backoff` and `retry_status_code`:
 *
 * - a response whose status is in `retry_status_code` is retried, whatever the method;
 * - a failure before the request reached the server (refused, DNS not answering,
 *   connect timeout) is retried, whatever the method;
 * - a failure after it may have reached the server (reset, read or total
 *   timeout) is retried only for idempotent methods: a POST is not sent twice
 *   on a guess;
 * - the wait honours Retry-After, capped by `maximum`;
 * - no retry starts later than `deadline` seconds after the first attempt.
 */
export function createRetryConfig(
  task: Task,
  startedAt: number,
  events: RetryEvents,
  now: () => number = Date.now,
): IAxiosRetryConfig {
  const { retry_backoff: backoff } = task;
  const deadlineAt = startedAt + backoff.deadline * 1000;
  const retryStatus = new Set(task.retry_status_code);
  let plannedDelay = MIN_RETRY_DELAY_MS;

  const isRetryable = (error: AxiosError): boolean => {
    if (error.response) return retryStatus.has(error.response.status);
    return isRetryableNetworkError(error, IDEMPOTENT.has(task.method));
  };

  return {
    retries: Number.MAX_SAFE_INTEGER,
    shouldResetTimeout: true,
    // Every response is handed to the retry logic; those that are not retry
    // codes come back as responses (the executor judges them).
    validateResponse: (response: AxiosResponse) => !retryStatus.has(response.status),
    retryCondition: (error: AxiosError) => {
      if (!isRetryable(error)) return false;
      const retryCount = error.config?.['axios-retry']?.retryCount ?? 0;
      const after = retryAfterMs(error.response?.headers['retry-after'] as unknown, now());
      const backoffMs = backoffDelayMs(backoff, retryCount + 1);
      plannedDelay = Math.max(
        MIN_RETRY_DELAY_MS,
        Math.min(backoff.maximum * 1000, Math.max(backoffMs, after ?? 0)),
      );
      if (now() + plannedDelay > deadlineAt) {
        events.onDeadline(describe(error));
        return false;
      }
      return true;
    },
    retryDelay: () => plannedDelay,
    onRetry: (retryCount, error, requestConfig) => {
      events.onRetry(retryCount, plannedDelay, describe(error));
      requestConfig.data = events.rebuildBody();
    },
  };
}

function describe(error: AxiosError): string {
  const response = error.response;
  return response
    ? `HTTP ${response.status} ${response.statusText}`.trim()
    : classifyError(error).message;
}
