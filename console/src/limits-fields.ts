import type { RateLimit } from '../../shared/queue-settings.js';

/** The two limits of a queue, a destination or a flow key; null removes one. */
export interface Limits {
  readonly rate_limit: RateLimit | null;
  readonly max_concurrency: number | null;
}

/** A field's number, null when it is empty, NaN when it is no number. */
function numberOf(text: string): number | null {
  return text.trim() === '' ? null : Number(text);
}

/**
 * The limits a form asks for, or why they cannot be sent. An empty field
 * is no limit (null): the API removes it. The server checks the ranges.
 */
export function limitsOf(max: string, per: string, concurrency: string): Limits | string {
  const [rateMax, rateSeconds, most] = [numberOf(max), numberOf(per), numberOf(concurrency)];
  if ((rateMax === null) !== (rateSeconds === null)) {
    return 'give both parts of the rate limit, or neither';
  }
  if ([rateMax, rateSeconds, most].some((n) => Number.isNaN(n))) return 'expected numbers';
  return {
    rate_limit:
      rateMax === null || rateSeconds === null ? null : { max: rateMax, per_seconds: rateSeconds },
    max_concurrency: most,
  };
}
