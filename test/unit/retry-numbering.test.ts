import { AxiosError, AxiosHeaders, type InternalAxiosRequestConfig } from 'axios';
import { describe, expect, it } from 'vitest';
import { parseTask } from '../../shared/parse-task.js';
import { RetryNumbering } from '../../worker/executor/retry-numbering.js';
import { createRetryConfig, type RetryEvents } from '../../worker/executor/retry-policy.js';

describe('RetryNumbering', () => {
  it('numbers a fresh execution’s retries from 1', () => {
    const numbering = new RetryNumbering();
    expect([1, 2, 3].map((n) => numbering.retry(n))).toEqual([1, 2, 3]);
  });

  it('goes on from the resumed retry until that request ends, then counts from 1', () => {
    const numbering = new RetryNumbering(4);
    expect(numbering.retry(1)).toBe(5);
    expect(numbering.retry(2)).toBe(6);
    numbering.requestEnded();
    expect(numbering.retry(1)).toBe(1);
    numbering.requestEnded();
    expect(numbering.retry(1)).toBe(1);
  });
});

describe('createRetryConfig with one options object', () => {
  function unavailable(retryCount: number): AxiosError {
    const config = {
      url: 'http://api.test/',
      method: 'get',
      headers: new AxiosHeaders(),
      'axios-retry': { retryCount },
    } as InternalAxiosRequestConfig;
    return new AxiosError(
      'status',
      'ERR_BAD_RESPONSE',
      config,
      {},
      {
        status: 503,
        statusText: 'Service Unavailable',
        headers: {},
        config,
        data: Buffer.alloc(0),
      },
    );
  }

  function recorder(): RetryEvents & { retries: string[]; gaveUp: string[] } {
    const retries: string[] = [];
    const gaveUp: string[] = [];
    return {
      retries,
      gaveUp,
      onRetry: (n, delayMs) => retries.push(`${n} ${delayMs}`),
      onDeadline: (message) => gaveUp.push(message),
      rebuildBody: () => undefined,
    };
  }

  it('asks the numbering for each retry’s number: the log and the backoff go on from it', async () => {
    const events = recorder();
    const numbering = new RetryNumbering(2);
    const config = createRetryConfig({
      task: parseTask({ url: 'http://api.test/', retry_backoff: { initial: 1, maximum: 60 } }),
      startedAt: 0,
      events,
      now: () => 0,
      numbering,
    });
    const first = unavailable(0);
    expect(config.retryCondition?.(first)).toBe(true);
    // Retry 3: 1 s * 2^2.
    expect(config.retryDelay?.(1, first)).toBe(4000);
    await config.onRetry?.(1, first, first.config!);
    numbering.requestEnded();
    const later = unavailable(0);
    expect(config.retryCondition?.(later)).toBe(true);
    await config.onRetry?.(1, later, later.config!);
    expect(events.retries).toEqual(['3 4000', '1 1000']);
  });

  it('names the attempts by the numbering when the deadline stops retrying', () => {
    const events = recorder();
    const config = createRetryConfig({
      task: parseTask({ url: 'http://api.test/', retry_backoff: { deadline: 1 } }),
      startedAt: 0,
      events,
      now: () => 500,
      numbering: new RetryNumbering(6),
    });
    expect(config.retryCondition?.(unavailable(0))).toBe(false);
    expect(events.gaveUp).toEqual([
      'gave up retrying after 7 attempts in 0.5 s: retry 7 would start 60.5 s after the first attempt, past retry_backoff.deadline (1 s); last HTTP 503 Service Unavailable',
    ]);
  });
});
