import { z } from 'zod';

/**
 * A duration in seconds that BullMQ keeps as whole milliseconds: at least
 * `minSeconds`, at most `maxSeconds`, and no finer than a millisecond. A
 * finer value is refused rather than rounded, so that what is shown is
 * what was asked for, and a value never rounds to 0 (which BullMQ reads as
 * "no limit" or "no interval").
 */
export function wholeMillisecondsSchema(minSeconds: number, maxSeconds: number) {
  return z
    .number()
    .min(minSeconds, { error: `expected at least ${minSeconds} seconds`, abort: true })
    .max(maxSeconds, { error: `expected at most ${maxSeconds} seconds`, abort: true })
    .refine((seconds) => isWholeMilliseconds(seconds), {
      error: 'expected whole milliseconds (at most 3 decimals)',
    });
}

/** Whether `seconds` is a whole number of milliseconds (allowing for binary fractions). */
function isWholeMilliseconds(seconds: number): boolean {
  const ms = seconds * 1000;
  return Math.abs(ms - Math.round(ms)) < 1e-6;
}
