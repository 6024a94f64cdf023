import { describe, expect, it } from 'vitest';
import { isoTimestamp } from '../../worker/executor/iso-timestamp.js';

describe('isoTimestamp', () => {
  it('is Date#toISOString, across seconds, days and years, in any order', () => {
    const times = [
      Date.UTC(2026, 11, 1, 2, 41, 34, 595),
      Date.UTC(2026, 11, 1, 2, 41, 34, 5),
      Date.UTC(2026, 11, 1, 2, 41, 34, 50),
      Date.UTC(2026, 11, 1, 2, 41, 35, 0),
      Date.UTC(2026, 11, 31, 23, 59, 59, 999),
      Date.UTC(2027, 0, 1, 0, 0, 0, 0),
      Date.UTC(2026, 11, 1, 2, 41, 34, 999),
      0,
      Date.UTC(1969, 11, 31, 23, 59, 59, 1),
      Date.UTC(2026, 11, 1, 2, 41, 34, 595) + 0.7,
    ];
    for (const ms of [...times, ...times.reverse()]) {
      expect(isoTimestamp(ms)).toBe(new Date(ms).toISOString());
    }
  });

  it('matches toISOString for a day of random instants', () => {
    const start = Date.UTC(2026, 5, 15);
    for (let i = 0; i < 10_000; i++) {
      const ms = start + Math.floor(Math.random() * 86_400_000);
      expect(isoTimestamp(ms)).toBe(new Date(ms).toISOString());
    }
  });
});
