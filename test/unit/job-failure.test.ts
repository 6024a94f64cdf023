import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../shared/errors/error-codes.js';
import { isRetriedByBullmq, jobFailure } from '../../worker/runtime/job-failure.js';

describe('isRetriedByBullmq', () => {
  it('retries every failure but an invalid task and a denied destination', () => {
    expect(isRetriedByBullmq(ErrorCode.INVALID_TASK)).toBe(false);
    expect(isRetriedByBullmq(ErrorCode.DESTINATION_DENIED)).toBe(false);
    expect(isRetriedByBullmq(ErrorCode.UNEXPECTED_STATUS)).toBe(true);
    expect(isRetriedByBullmq(ErrorCode.NETWORK)).toBe(true);
    expect(isRetriedByBullmq(undefined)).toBe(true);
  });
});

describe('jobFailure', () => {
  it('is an UnrecoverableError only when BullMQ may not run the job again', () => {
    const denied = jobFailure('denied', ErrorCode.DESTINATION_DENIED);
    expect(denied).toBeInstanceOf(UnrecoverableError);
    expect(denied.message).toBe('denied');
    const timedOut = jobFailure('timed out', ErrorCode.READ_TIMEOUT);
    expect(timedOut).not.toBeInstanceOf(UnrecoverableError);
    expect(timedOut.message).toBe('timed out');
  });
});
