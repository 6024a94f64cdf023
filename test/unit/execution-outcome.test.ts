import { DelayedError, RateLimitError, UnrecoverableError, WaitingError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { outcomeOf } from '../../worker/runtime/execution-outcome.js';

describe('outcomeOf', () => {
  it('tells how a job’s run ended from what its processor returned or threw', () => {
    expect(outcomeOf(undefined, false)).toBe('completed');
    expect(outcomeOf(new Error('HTTP 503'), false)).toBe('failed');
    expect(outcomeOf(new UnrecoverableError('cancelled'), false)).toBe('failed');
    expect(outcomeOf(new DelayedError(), false)).toBe('parked');
    expect(outcomeOf(new RateLimitError(), false)).toBe('parked');
    expect(outcomeOf(new WaitingError(), false)).toBe('handed back');
    expect(outcomeOf(new WaitingError(), true)).toBe('left');
  });
});
