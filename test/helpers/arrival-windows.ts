import type { Arrival } from './scripted-target.js';

/**
 * The most arrivals in any window of `windowMs` (half-open, `[t, t + windowMs)`),
 * by their wall-clock times. How a rate limit is checked at the target.
 */
export function mostInAnyWindow(arrivals: readonly Arrival[], windowMs: number): number {
  const times = arrivals.map((a) => a.wallClockAt).sort((a, b) => a - b);
  let most = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while (times[end]! - times[start]! >= windowMs) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

/**
 * How long a request may take from the worker's gate to the target on a
 * loaded two-core machine: a rate limit is kept where the request leaves
 * (the gate's clock), the target sees it this much later at most. Windows
 * checked at the target are this much shorter than the limit's.
 */
export const GATE_TO_TARGET_MS = 100;
