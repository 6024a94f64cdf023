import type { Readable } from 'node:stream';
import type { AxiosError } from 'axios';
import type { IAxiosRetryConfig } from 'axios-retry';
import type { RetryBackoff, Task } from '../shared/task-schema.js';
import { byReference } from './by-reference.js';
import { classifyError, isRetryableNetworkError } from './classify-error.js';

/** The shortest wait between two attempts (the connector's rule: "the minimum delay between two tries is 1 second"). */
export const MIN_RETRY_DELAY_MS = 1000;

/** Methods that may be sent twice without changing the outcome (RFC 9110 9.2.2). */
const IDEMPOTENT = new Set(['get', 'head', 'options', 'put', 'delete']);

/**
 * The wait before retry `n` (1-based): `min(maximum, initial * multiplier^(n-1))`
 * seconds, never under one second.
 */
export function backoffDelayMs(backoff: RetryBackoff, n: number): number {
  // initial 0 stays 0 however often it is multiplied (0 * Infinity would be NaN).
  const grown = backoff.initial === 0 ? 0 : backoff.initial * backoff.multiplier ** (n - 1);
  const seconds = Math.min(backoff.maximum, grown);
  return Math.max(MIN_RETRY_DELAY_MS, Math.round(seconds * 1000));
}

/**
 * A Retry-After header (RFC 9110 10.2.3: delay-seconds or an HTTP date) as
 * milliseconds from `now`, or null when absent or unreadable. A date in the
 * past is 0.
 */
export function retryAfterMs(header: unknown, now: number): number | null {
  if (typeof header !== 'string') return null;
  const value = header.trim();
  // Fractions are not in the RFC but harmless; anything else numeric-looking is refused.
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  // Every HTTP-date form names its month, so a date has letters: this keeps
  // Date.parse from reading "-1" or "2" as a year.
  if (!/[a-z]/i.test(value)) return null;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/**
 * The wait before retry `n`: the backoff, or a longer Retry-After, capped by
 * `maximum`; never under one second. `note` says when Retry-After decided it.
 */
export function retryDelayMs(
  backoff: RetryBackoff,
  n: number,
  retryAfter: number | null,
): { delayMs: number; note: string } {
  const backoffMs = backoffDelayMs(backoff, n);
  if (retryAfter === null || retryAfter <= backoffMs) return { delayMs: backoffMs, note: '' };
  const maximumMs = backoff.maximum * 1000;
  const after = seconds(retryAfter);
  if (retryAfter <= maximumMs) return { delayMs: retryAfter, note: ` (Retry-After ${after})` };
  return {
    delayMs: Math.max(MIN_RETRY_DELAY_MS, maximumMs),
    note: ` (Retry-After ${after}, capped by retry_backoff.maximum)`,
  };
}

/**
 * The request's `validateStatus`: only a retry status code becomes an error,
 * so that axios-retry sees it; every other response comes back as a response
 * (the executor judges it). Cheaper than axios-retry's `validateResponse`,
 * which turns every response into an AxiosError first.
 */
export function retryStatusValidator(task: Task): (status: number) => boolean {
  const retryStatus = new Set(task.retry_status_code);
  return (status) => !retryStatus.has(status);
}

/** What the retry policy tells the executor. */
export interface RetryEvents {
  /** A retry is about to wait `delayMs`; `reason` says why, in a few words. */
  onRetry(attempt: number, delayMs: number, reason: string): void;
  /**
   * Retrying stopped because the next attempt would start past the deadline;
   * `message` says so, with the number of attempts and the last failure.
   */
  onDeadline(message: string): void;
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
 * - no retry starts later than `deadline` seconds after the first attempt:
 *   when the next wait would end past it, retrying stops and `onDeadline` says why.
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
  let planned = { delayMs: MIN_RETRY_DELAY_MS, note: '' };

  const isRetryable = (error: AxiosError): boolean => {
    if (error.response) return retryStatus.has(error.response.status);
    return isRetryableNetworkError(error, IDEMPOTENT.has(task.method));
  };

  return byReference({
    retries: Number.MAX_SAFE_INTEGER,
    shouldResetTimeout: true,
    retryCondition: (error: AxiosError) => {
      if (!isRetryable(error)) return false;
      const retryCount = error.config?.['axios-retry']?.retryCount ?? 0;
      const after = retryAfterMs(error.response?.headers['retry-after'] as unknown, now());
      planned = retryDelayMs(backoff, retryCount + 1, after);
      if (now() + planned.delayMs > deadlineAt) {
        const attempts = retryCount + 1;
        events.onDeadline(
          `gave up retrying: retry_backoff.deadline (${backoff.deadline} s) reached after ` +
            `${attempts} attempt${attempts === 1 ? '' : 's'}; last ${describe(error, 'error: ')}`,
        );
        return false;
      }
      return true;
    },
    retryDelay: () => planned.delayMs,
    onRetry: (retryCount, error, requestConfig) => {
      events.onRetry(retryCount, planned.delayMs, `${describe(error)}${planned.note}`);
      requestConfig.data = events.rebuildBody();
    },
  });
}

/** "HTTP 503 Service Unavailable", or what went wrong without a response. */
function describe(error: AxiosError, errorPrefix = ''): string {
  const response = error.response;
  return response
    ? `HTTP ${response.status} ${response.statusText}`.trim()
    : `${errorPrefix}${classifyError(error).message}`;
}

/** 1500 → "1.5 s". */
function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}
