import type { RateLimit } from '../../shared/queue-settings.js';

/** A rate limit as a cell shows it: `10 per 1 s`, or a dash for none. */
export function rateText(limit: RateLimit | null): string {
  return limit ? `${limit.max} per ${limit.per_seconds} s` : '–';
}

/** An ISO 8601 time, shown to the second (the full time stays in `datetime`). */
export function TimeText({ at }: { at: string | undefined }) {
  if (at === undefined) return <>–</>;
  return <time dateTime={at}>{at.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}</time>;
}
