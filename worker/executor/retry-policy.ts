import type { Readable } from 'node:stream';
import type { AxiosError } from 'axios';
import type { IAxiosRetryConfig } from 'axios-retry';
import type { RetryBackoff, Task } from '../../shared/task-schema.js';
import { byReference } from './by-reference.js';
import { classifyError, isRetryableNetworkError } from './classify-error.js';
import { retryPastDeadline } from './deadline-message.js';
import { RetryNumbering } from './retry-numbering.js';

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
 * The wait before retry `n`: the backoff, or a longer Retry-After (retrying
 * earlier than the server asks only wastes an attempt); never under one
 * second. Retry-After may exceed `maximum`: the deadline alone bounds it (see
 * createRetryConfig). `note` says when Retry-After decided it.
 */
export function retryDelayMs(
  backoff: RetryBackoff,
  n: number,
  retryAfter: number | null,
): { delayMs: number; note: string } {
  const backoffMs = backoffDelayMs(backoff, n);
  if (retryAfter === null || retryAfter <= backoffMs) return { delayMs: backoffMs, note: '' };
  return { delayMs: retryAfter, note: ` (Retry-After ${seconds(retryAfter)})` };
}

/**
 * The request's `validateStatus`: only a retry status code becomes an error,
 * so that axios-retry sees it; every other response comes back as a response
 * (the executor judges it). Cheaper than axios-retry's `validateResponse`,
 * which turns every response into an AxiosError first.
 */
export function retryStatusValidator(task: Task): (status: number) => boolean {
  const retryStatus = task.retry_status_code;
  return (status) => !retryStatus.includes(status);
}

/** What the retry policy tells the executor. */
export interface RetryEvents {
  /** A retry is about to wait `delayMs`; `reason` says why, in a few words. */
  onRetry(attempt: number, delayMs: number, reason: string): void;
  /**
   * Retrying stopped because the next attempt would start past the deadline;
   * `message` says so (deadline-message.ts), with the attempts made, the time
   * since the first one and the last failure.
   */
  onDeadline(message: string): void;
  /** Called for each retry attempt: a fresh body (streams cannot be replayed). */
  rebuildBody(): string | Buffer | Readable | undefined;
  /** Headers made afresh for each retry (a callback's signature), sent after `delayMs`; undefined: none. */
  attemptHeaders?(delayMs: number): Record<string, string> | undefined;
  /**
   * Called instead of `onRetry` when the wait is not to be slept here (see
   * `ParkRules`). True: the request fails with `error` and the executor parks
   * the execution; false (it cannot park now): the wait is slept after all.
   */
  onPark?(park: PlannedPark): boolean;
}

/** When a retry wait parks the execution rather than being slept in the worker. */
export interface ParkRules {
  /** The longest wait slept in the worker (TASKREST_INLINE_RETRY_SECONDS). */
  readonly inlineMs: number;
}

/** A retry that is to happen after a wait outside the worker slot. */
export interface PlannedPark {
  /** The retry's number (1-based) and its wait. */
  readonly retry: number;
  readonly delayMs: number;
  /** Why, in a few words (as onRetry's `reason`), and the failure as the deadline message names it. */
  readonly reason: string;
  readonly failure: string;
  /** The failed request's error (its response, if any, is the one being retried). */
  readonly error: AxiosError;
}

/** What one execution's retry configuration is made of (see createRetryConfig). */
export interface RetryConfigOptions {
  /** The task: its `retry_backoff`, `retry_status_code` and method. */
  readonly task: Task;
  /** When the execution's first attempt started (epoch ms): the deadline counts from here. */
  readonly startedAt: number;
  /** Who hears of each retry, of the deadline and of a park (the request's run). */
  readonly events: RetryEvents;
  /** The clock (epoch ms). @defaultValue `Date.now` */
  readonly now?: () => number;
  /** When a retry wait parks the execution. @defaultValue none: every wait is slept in the worker */
  readonly park?: ParkRules;
  /**
   * The numbers the retries go by (a resumed execution's go on from its parked retry).
   * @defaultValue a numbering of its own, every request's retries from 1
   */
  readonly numbering?: RetryNumbering;
  /**
   * Whether a request that may have reached the server is sent again, whatever
   * its method (the peer drops repeats itself, as a callback's receiver does).
   * @defaultValue by the task's method: GET, HEAD, OPTIONS, PUT and DELETE only
   */
  readonly idempotent?: boolean;
}

/**
 * The axios-retry configuration of one execution, from the task's
 * `retry_backoff` and `retry_status_code`:
 *
 * - a response whose status is in `retry_status_code` is retried, whatever the method;
 * - a failure before the request reached the server (refused, DNS not answering,
 *   connect timeout) is retried, whatever the method;
 * - a failure after it may have reached the server (reset, read or total
 *   timeout) is retried only for idempotent methods (or with `idempotent`):
 *   a POST is not sent twice on a guess;
 * - the wait honours a longer Retry-After, up to the deadline;
 * - no retry starts later than `deadline` seconds after the first attempt:
 *   when the next wait would end past it, retrying stops and `onDeadline` says why;
 * - with `park` rules, a wait longer than `inlineMs` is not slept: `onPark`
 *   hears of it and the request fails (the executor parks the execution as a
 *   delayed job). A destination's own Retry-After holds the destination for
 *   every queue and worker: the destinations' gate, not the retry policy,
 *   keeps the other executions back;
 * - each retry's number is asked of `numbering` (the run tells it when a request ends).
 */
export function createRetryConfig(options: RetryConfigOptions): IAxiosRetryConfig {
  const { task, events, park } = options;
  const now = options.now ?? Date.now;
  const numbering = options.numbering ?? new RetryNumbering();
  const { retry_backoff: backoff } = task;
  const deadlineAt = options.startedAt + backoff.deadline * 1000;
  const retryStatus = task.retry_status_code;
  const idempotent = options.idempotent ?? IDEMPOTENT.has(task.method);
  let planned = { delayMs: MIN_RETRY_DELAY_MS, note: '' };

  const isRetryable = (error: AxiosError): boolean => {
    if (error.response) return retryStatus.includes(error.response.status);
    return isRetryableNetworkError(error, idempotent);
  };

  return byReference({
    retries: Number.MAX_SAFE_INTEGER,
    shouldResetTimeout: true,
    retryCondition: (error: AxiosError): boolean | Promise<boolean> => {
      if (!isRetryable(error)) return false;
      const retryCount = error.config?.['axios-retry']?.retryCount ?? 0;
      const retry = numbering.retry(retryCount + 1);
      const after = retryAfterMs(error.response?.headers['retry-after'] as unknown, now());
      planned = retryDelayMs(backoff, retry, after);
      const at = now();
      if (at + planned.delayMs > deadlineAt) {
        events.onDeadline(
          retryPastDeadline({
            // The first attempt and a retry before each of the retries so far.
            attempts: retry,
            retry,
            deadlineSeconds: backoff.deadline,
            elapsedMs: at - options.startedAt,
            startsAtMs: at + planned.delayMs - options.startedAt,
            last: `${describe(error, 'error: ')}${planned.note}`,
          }),
        );
        return false;
      }
      if (!park || !events.onPark || planned.delayMs <= park.inlineMs) return true;
      // Not slept here: the request fails and the executor parks the execution.
      return !events.onPark({
        retry,
        delayMs: planned.delayMs,
        reason: `${describe(error)}${planned.note}`,
        failure: describe(error, 'error: '),
        error,
      });
    },
    retryDelay: () => planned.delayMs,
    onRetry: (retryCount, error, requestConfig) => {
      events.onRetry(
        numbering.retry(retryCount),
        planned.delayMs,
        `${describe(error)}${planned.note}`,
      );
      requestConfig.data = events.rebuildBody();
      const fresh = events.attemptHeaders?.(planned.delayMs);
      // Same lower-case names as the first attempt's: they replace those.
      if (fresh) requestConfig.headers = Object.assign(requestConfig.headers ?? {}, fresh);
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
