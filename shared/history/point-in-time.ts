/** A duration back from now: a whole number and a unit (`90s`, `15m`, `1h`, `7d`). */
const DURATION = /^(\d{1,9})(s|m|h|d)$/;
const UNIT_MS: Readonly<Record<string, number>> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};
/** An ISO 8601 date or time (a time needs its offset or Z, so that it names one instant). */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/;

/**
 * The instant (epoch ms) that `since`/`until` name: an ISO 8601 time
 * (`2026-12-06T10:00:00Z`, or a date: its midnight UTC) or a duration back
 * from `now` (`1h`). Undefined when the text is neither.
 */
export function pointInTime(text: string, now: number): number | undefined {
  const duration = DURATION.exec(text);
  if (duration) return now - Number(duration[1]) * UNIT_MS[duration[2]!]!;
  if (!ISO_TIME.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : at;
}

/** What `pointInTime` takes, as an error message says it. */
export const POINT_IN_TIME_HINT =
  'expected an ISO 8601 time (2026-12-06T10:00:00Z) or a duration back from now (90s, 15m, 1h, 7d)';
