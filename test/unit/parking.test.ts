import { AxiosError, AxiosHeaders, type InternalAxiosRequestConfig } from 'axios';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../shared/errors/error-codes.js';
import type { ParkedExecution } from '../../shared/parked-execution.js';
import { parseTask } from '../../shared/parse-task.js';
import { ExecutionLog } from '../../worker/executor/execution-log.js';
import { checkPickup, parkResult, PickupDeadline } from '../../worker/executor/parking.js';
import type { PlannedPark } from '../../worker/executor/retry-policy.js';

const task = parseTask({ url: 'http://api.test/', retry_backoff: { deadline: 60 } });

function parked(firstAttemptAt: number): ParkedExecution {
  return {
    firstAttemptAt,
    dueAt: firstAttemptAt + 30_000,
    retry: 3,
    attempts: 3,
    retries: 2,
    log: [],
    lastFailure: 'HTTP 503 Service Unavailable',
    response: { status_code: 503, headers: {}, text: 'busy', encoding: 'utf-8' },
  };
}

describe('checkPickup', () => {
  it('lets a parked execution go on up to its deadline, early or late', () => {
    expect(() => checkPickup(parked(0), task, 1000)).not.toThrow();
    expect(() => checkPickup(parked(0), task, 60_000)).not.toThrow();
  });

  it('ends one taken up past its deadline, with the last failure’s response', () => {
    const resume = parked(0);
    let thrown: unknown;
    try {
      checkPickup(resume, task, 60_001);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(PickupDeadline);
    expect(thrown).toMatchObject({
      code: ErrorCode.DEADLINE_EXCEEDED,
      message:
        'gave up retrying after 3 attempts in 60.0 s: retry 3 was taken up 60.0 s after the first attempt, past retry_backoff.deadline (60 s); last HTTP 503 Service Unavailable',
      response: resume.response,
    });
  });
});

describe('parkResult', () => {
  function plan(text: string): PlannedPark {
    const config = { url: 'http://api.test/', headers: new AxiosHeaders() };
    const response = {
      status: 429,
      statusText: 'Too Many Requests',
      headers: { 'content-type': 'text/plain' },
      config: config as InternalAxiosRequestConfig,
      data: Buffer.from(text),
    };
    return {
      retry: 2,
      delayMs: 90_000,
      reason: 'HTTP 429 Too Many Requests',
      failure: 'HTTP 429 Too Many Requests',
      error: new AxiosError('status', 'ERR_BAD_REQUEST', response.config, {}, response),
    };
  }

  it('keeps the execution so far, logs until when, and counts the failed response', () => {
    const log = new ExecutionLog(undefined, () => 0, ['earlier']);
    const result = parkResult(
      plan('slow down'),
      { firstAttemptAt: 5, attempts: 2, retries: 1, log },
      Date.parse('2030-01-01T00:00:00Z'),
    );
    expect(result.held).toBeUndefined();
    expect(result.counts).toEqual({ attempts: 2, retries: 1, statusClass: '4xx' });
    expect(result.parked).toMatchObject({
      firstAttemptAt: 5,
      dueAt: Date.parse('2030-01-01T00:01:30Z'),
      retry: 2,
      attempts: 2,
      retries: 1,
      lastFailure: 'HTTP 429 Too Many Requests',
      response: { status_code: 429, text: 'slow down' },
    });
    expect(result.parked.log).toHaveLength(2);
    expect(result.parked.log[1]).toMatch(
      /retry 2 in 90\.0 s after HTTP 429 Too Many Requests: parked, the worker slot freed until 2030-01-01T00:01:30\.000Z$/,
    );
  });

  it('leaves a large text out', () => {
    const log = new ExecutionLog();
    const result = parkResult(
      plan('x'.repeat(16 * 1024 + 1)),
      { firstAttemptAt: 0, attempts: 1, retries: 0, log },
      0,
    );
    expect(result.parked.response).toMatchObject({ status_code: 429, text: null });
  });
});
