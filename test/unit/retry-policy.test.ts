import {
  AxiosError,
  AxiosHeaders,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
} from 'axios';
import { describe, expect, it } from 'vitest';
import { parseTask } from '../../shared/parse-task.js';
import type { TaskInput } from '../../shared/task-schema.js';
import {
  backoffDelayMs,
  createRetryConfig,
  retryStatusValidator,
  retryAfterMs,
  retryDelayMs,
} from '../../worker/executor/retry-policy.js';

const seed = { initial: 1, maximum: 60, multiplier: 2, deadline: 600 };

describe('backoffDelayMs', () => {
  it('is min(maximum, initial * multiplier^(n-1)) seconds', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffDelayMs(seed, n))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000,
    ]);
    const gentle = { initial: 1.5, maximum: 5, multiplier: 1.5, deadline: 60 };
    expect([1, 2, 3, 4].map((n) => backoffDelayMs(gentle, n))).toEqual([1500, 2250, 3375, 5000]);
  });

  it('never waits under one second (the TaskREST rule), whatever initial and maximum say', () => {
    expect(backoffDelayMs({ ...seed, initial: 0 }, 1)).toBe(1000);
    expect(backoffDelayMs({ ...seed, initial: 0.2 }, 2)).toBe(1000);
    expect(backoffDelayMs({ ...seed, initial: 5, maximum: 0.5 }, 1)).toBe(1000);
    expect(backoffDelayMs({ ...seed, multiplier: 1 }, 50)).toBe(1000);
  });

  it('stays a number after very many retries', () => {
    expect(backoffDelayMs({ ...seed, initial: 0 }, 5000)).toBe(1000);
    expect(backoffDelayMs(seed, 5000)).toBe(60_000);
    expect(backoffDelayMs({ ...seed, multiplier: 1000, maximum: 86_400 }, 400)).toBe(86_400_000);
  });
});

describe('retryAfterMs', () => {
  const now = Date.parse('2030-01-01T00:00:00Z');

  it('reads delay-seconds', () => {
    expect(retryAfterMs('3', now)).toBe(3000);
    expect(retryAfterMs(' 120 ', now)).toBe(120_000);
    expect(retryAfterMs('0', now)).toBe(0);
    expect(retryAfterMs('1.5', now)).toBe(1500);
  });

  it('reads an HTTP date relative to now; a past date is 0', () => {
    expect(retryAfterMs('Tue, 01 Jan 2030 00:00:07 GMT', now)).toBe(7000);
    expect(retryAfterMs('Mon, 31 Dec 2029 23:59:00 GMT', now)).toBe(0);
  });

  it('ignores what is not a Retry-After value', () => {
    for (const value of [undefined, '', '  ', '-1', '2e3', '0x10', 'soon', 'Tuesday-ish', 5]) {
      expect(retryAfterMs(value, now), String(value)).toBeNull();
    }
  });
});

describe('retryDelayMs', () => {
  const backoff = { initial: 1, maximum: 10, multiplier: 2, deadline: 600 };

  it('takes the backoff when Retry-After is absent or shorter', () => {
    expect(retryDelayMs(backoff, 3, null)).toEqual({ delayMs: 4000, note: '' });
    expect(retryDelayMs(backoff, 3, 2000)).toEqual({ delayMs: 4000, note: '' });
  });

  it('honours a longer Retry-After, beyond maximum (the deadline alone bounds it)', () => {
    expect(retryDelayMs(backoff, 1, 7000)).toEqual({
      delayMs: 7000,
      note: ' (Retry-After 7 s)',
    });
    expect(retryDelayMs(backoff, 1, 3_600_000)).toEqual({
      delayMs: 3_600_000,
      note: ' (Retry-After 3600 s)',
    });
    expect(retryDelayMs({ ...backoff, maximum: 0 }, 1, 30_000).delayMs).toBe(30_000);
    // A maximum under a second still waits the connector's one second.
    expect(retryDelayMs({ ...backoff, maximum: 0 }, 1, null).delayMs).toBe(1000);
  });
});

describe('createRetryConfig', () => {
  function policy(task: Partial<TaskInput>, clock: { t: number }) {
    const events = { retries: [] as string[], gaveUp: [] as string[], bodies: 0 };
    const config = createRetryConfig({
      task: parseTask({ url: 'http://api.test/', ...task }),
      startedAt: clock.t,
      events: {
        onRetry: (n, delayMs, reason) => events.retries.push(`${n} ${delayMs} ${reason}`),
        onDeadline: (message) => events.gaveUp.push(message),
        rebuildBody: () => {
          events.bodies += 1;
          return `body ${events.bodies}`;
        },
      },
      now: () => clock.t,
    });
    return { config, events };
  }

  function failure(
    method: string,
    retryCount: number,
    how: { status: number; retryAfter?: string } | { code: string },
  ): AxiosError {
    const config = {
      url: 'http://api.test/',
      method,
      headers: new AxiosHeaders(),
      'axios-retry': { retryCount },
    } as InternalAxiosRequestConfig;
    if ('code' in how) {
      const error = new AxiosError('failed', 'ECONNRESET', config, {
        origin: 'http://api.test',
      });
      error.cause = Object.assign(new Error(how.code), { code: how.code });
      return error;
    }
    const headers = how.retryAfter ? { 'retry-after': how.retryAfter } : {};
    const response = {
      status: how.status,
      statusText: 'Service Unavailable',
      headers,
      config,
      data: Buffer.alloc(0),
    } as unknown as AxiosResponse;
    return new AxiosError('status', 'ERR_BAD_RESPONSE', config, {}, response);
  }

  it('retries a retry_status_code for every method, other statuses never', () => {
    const clock = { t: 0 };
    const { config } = policy({ method: 'post' }, clock);
    expect(config.retryCondition?.(failure('post', 0, { status: 503 }))).toBe(true);
    expect(config.retryCondition?.(failure('post', 0, { status: 500 }))).toBe(false);
    const validateStatus = retryStatusValidator(parseTask({ url: 'http://api.test/' }));
    expect(validateStatus(500)).toBe(true);
    expect(validateStatus(503)).toBe(false);
  });

  it('retries a reset only for idempotent methods, a refused connect for all', () => {
    const clock = { t: 0 };
    const post = policy({ method: 'post' }, clock).config;
    const put = policy({ method: 'put' }, clock).config;
    expect(post.retryCondition?.(failure('post', 0, { code: 'UND_ERR_SOCKET' }))).toBe(false);
    expect(put.retryCondition?.(failure('put', 0, { code: 'UND_ERR_SOCKET' }))).toBe(true);
    expect(post.retryCondition?.(failure('post', 0, { code: 'ECONNREFUSED' }))).toBe(true);
  });

  it('plans the wait, logs it with its reason, and rebuilds the body', async () => {
    const clock = { t: 0 };
    const { config, events } = policy({ retry_backoff: { initial: 1, maximum: 5 } }, clock);
    const first = failure('get', 2, { status: 503 });
    expect(config.retryCondition?.(first)).toBe(true);
    expect(config.retryDelay?.(3, first)).toBe(4000);
    const request = first.config!;
    await config.onRetry?.(3, first, request);
    expect(request.data).toBe('body 1');
    const later = failure('get', 0, { status: 503, retryAfter: '120' });
    expect(config.retryCondition?.(later)).toBe(true);
    expect(config.retryDelay?.(1, later)).toBe(120_000);
    await config.onRetry?.(1, later, later.config!);
    expect(events.retries).toEqual([
      '3 4000 HTTP 503 Service Unavailable',
      '1 120000 HTTP 503 Service Unavailable (Retry-After 120 s)',
    ]);
  });

  it('starts no retry that would begin past the deadline, and says why', () => {
    const clock = { t: 1_000_000 };
    const { config, events } = policy({ retry_backoff: { deadline: 10 } }, clock);
    clock.t += 2000;
    // The 4th retry would wait 8 s: 2 + 8 = 10 s, just at the deadline.
    expect(config.retryCondition?.(failure('get', 3, { status: 503 }))).toBe(true);
    clock.t += 1;
    expect(config.retryCondition?.(failure('get', 3, { status: 503 }))).toBe(false);
    // 2.001 s in: the deadline is 8 s away, the 4th retry would start 10.001 s in.
    expect(events.gaveUp).toEqual([
      'gave up retrying after 4 attempts in 2.0 s: retry 4 would start 10.0 s after the first attempt, past retry_backoff.deadline (10 s); last HTTP 503 Service Unavailable',
    ]);
    // 9.001 s in, even the shortest wait (1 s) ends past the deadline.
    clock.t += 7000;
    expect(config.retryCondition?.(failure('get', 0, { code: 'ECONNREFUSED' }))).toBe(false);
    expect(events.gaveUp[1]).toBe(
      'gave up retrying after 1 attempt in 9.0 s: retry 1 would start 10.0 s after the first attempt, past retry_backoff.deadline (10 s); last error: connection refused by api.test:80',
    );
  });
});
