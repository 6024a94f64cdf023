import { describe, expect, it } from 'vitest';
import { ageOf, everyOf, millisOf } from '../../console/src/durations.js';
import { limitsOf } from '../../console/src/limits-fields.js';
import { chartLabelOf, rangeOf, statsPathOf } from '../../console/src/stats-range.js';

describe("the console's queues, schedules and ranges", () => {
  it('reads the limits form: empty fields remove a limit, half a rate limit is refused', () => {
    expect(limitsOf('5', '2', '3')).toEqual({
      rate_limit: { max: 5, per_seconds: 2 },
      max_concurrency: 3,
    });
    expect(limitsOf('', ' ', '')).toEqual({ rate_limit: null, max_concurrency: null });
    expect(limitsOf('5', '', '')).toBe('give both parts of the rate limit, or neither');
    expect(limitsOf('', '', 'x')).toBe('expected numbers');
  });

  it('says ages, durations and intervals for people', () => {
    const now = Date.parse('2026-01-02T12:00:00Z');
    expect(ageOf(null, now)).toBe('–');
    expect(ageOf('2026-01-02T11:59:15Z', now)).toBe('45 s');
    expect(ageOf('2026-01-02T11:48:00Z', now)).toBe('12 min');
    expect(ageOf('2026-01-02T08:55:00Z', now)).toBe('3 h 5 min');
    expect(ageOf('2025-12-31T08:00:00Z', now)).toBe('2 d 4 h');
    // A time a moment ahead of this clock is no negative age.
    expect(ageOf('2026-01-02T12:00:01Z', now)).toBe('0 s');
    expect([millisOf(null), millisOf(850), millisOf(2400)]).toEqual(['–', '850 ms', '2.4 s']);
    expect([everyOf(30), everyOf(300), everyOf(7200), everyOf(90)]).toEqual([
      'every 30 s',
      'every 5 min',
      'every 2 h',
      'every 90 s',
    ]);
  });

  it('the last hour per minute by default; each range with its bucket and its name', () => {
    expect(rangeOf(null).id).toBe('1h');
    expect(rangeOf('nonsense').id).toBe('1h');
    expect(chartLabelOf(rangeOf('1h'))).toBe(
      'Completed and failed executions per minute, last hour',
    );
    expect(chartLabelOf(rangeOf('24h'))).toBe(
      'Completed and failed executions per 15 minutes, last 24 hours',
    );
    const week = rangeOf('7d');
    expect(chartLabelOf(week)).toBe('Completed and failed executions per hour, last 7 days');
    expect(statsPathOf(week, week.bucketSeconds)).toBe(
      '/api/executions/stats?since=7d&bucket_seconds=3600',
    );
    expect(statsPathOf(week, week.seconds, 'a.b')).toBe(
      '/api/executions/stats?since=7d&bucket_seconds=604800&queue=a.b',
    );
  });
});
