/**
 * `new Date(ms).toISOString()`, for the log lines every execution writes:
 * the text up to the second is made once per second and reused, only the
 * milliseconds are added per line (a Date and its formatting per line showed
 * in the worker's CPU profile; see docs/performance.md).
 */
export function isoTimestamp(time: number): string {
  // As a Date takes its time value: whole milliseconds, cut toward zero.
  const ms = Math.trunc(time);
  const second = Math.floor(ms / 1000);
  if (second !== cached.second) {
    // "2026-12-01T02:41:34." from "2026-12-01T02:41:34.000Z".
    cached.prefix = new Date(second * 1000).toISOString().slice(0, -4);
    cached.second = second;
  }
  const millis = ms - second * 1000;
  return `${cached.prefix}${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
}

const cached = { second: Number.NaN, prefix: '' };
